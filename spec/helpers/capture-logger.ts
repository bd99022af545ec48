import type { Logger } from '../../index';
import { withTimeout } from './async';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export interface CapturedLogger extends Logger {
  entries: LogEntry[];
  /** Resolves with the first entry, already logged or still to come, that matches. */
  waitFor(predicate: (entry: LogEntry) => boolean, what: string, timeoutMs?: number): Promise<LogEntry>;
}

/** A Logger that keeps every entry, so specs can assert (and await) what was logged. */
export function captureLogger(): CapturedLogger {
  const entries: LogEntry[] = [];
  let waiters: { predicate: (entry: LogEntry) => boolean; resolve(entry: LogEntry): void }[] = [];
  const log =
    (level: LogEntry['level']) =>
    (fieldsOrMessage: object | string, message?: string): void => {
      const entry: LogEntry =
        typeof fieldsOrMessage === 'string'
          ? { level, message: fieldsOrMessage, fields: {} }
          : { level, message: message ?? '', fields: fieldsOrMessage as Record<string, unknown> };
      entries.push(entry);
      const matched = waiters.filter((waiter) => waiter.predicate(entry));
      if (matched.length === 0) return;
      waiters = waiters.filter((waiter) => !matched.includes(waiter));
      for (const waiter of matched) waiter.resolve(entry);
    };
  const waitFor: CapturedLogger['waitFor'] = (predicate, what, timeoutMs = 5000) => {
    const found = entries.find(predicate);
    if (found) return Promise.resolve(found);
    return withTimeout(new Promise((resolve) => waiters.push({ predicate, resolve })), timeoutMs, what);
  };
  return { entries, waitFor, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
