import pino from 'pino';

/** Structured log function in pino's shape: an optional object of fields, then a message. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** What ProAPI logs through. pino loggers fit as they are; so does any object with these methods. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** The default logger: pino at `PROAPI_LOG_LEVEL` (default `info`). */
export function createDefaultLogger(): Logger {
  return pino({ name: 'proapi', level: process.env.PROAPI_LOG_LEVEL ?? 'info' });
}

/** A logger that drops everything, e.g. for tests that assert on behaviour rather than on logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
