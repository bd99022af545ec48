import type { LogFn, Logger } from '../../index';
import { withTimeout } from './client';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A Logger that keeps what it is given, so specs can assert on log lines (and await them). */
export class LogCapture implements Logger {
  readonly entries: LogEntry[] = [];
  private waiters: { predicate: (entry: LogEntry) => boolean; resolve(entry: LogEntry): void }[] = [];
  readonly debug = this.level('debug');
  readonly info = this.level('info');
  readonly warn = this.level('warn');
  readonly error = this.level('error');

  /** Resolves with the first entry (already logged or still to come) that matches. */
  waitFor(predicate: (entry: LogEntry) => boolean, what: string, timeoutMs = 5000): Promise<LogEntry> {
    const found = this.entries.find(predicate);
    if (found) return Promise.resolve(found);
    return withTimeout(new Promise((resolve) => this.waiters.push({ predicate, resolve })), timeoutMs, what);
  }

  private level(level: LogEntry['level']): LogFn {
    return ((fieldsOrMessage: object | string, message?: string) => {
      const entry: LogEntry =
        typeof fieldsOrMessage === 'string'
          ? { level, fields: {}, message: fieldsOrMessage }
          : { level, fields: fieldsOrMessage as Record<string, unknown>, message: message ?? '' };
      this.entries.push(entry);
      this.waiters = this.waiters.filter((waiter) => !(waiter.predicate(entry) && (waiter.resolve(entry), true)));
    }) as LogFn;
  }
}
