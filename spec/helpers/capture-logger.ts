import type { Logger } from '../../index';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every entry, so specs can assert what was logged. */
export function captureLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log =
    (level: LogEntry['level']) =>
    (fieldsOrMessage: object | string, message?: string): void => {
      if (typeof fieldsOrMessage === 'string') entries.push({ level, message: fieldsOrMessage, fields: {} });
      else entries.push({ level, message: message ?? '', fields: fieldsOrMessage as Record<string, unknown> });
    };
  return { entries, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
