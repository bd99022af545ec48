import type { WebSocketConnection } from '../connection/web-socket-connection';
import { BEARER_SUBPROTOCOL } from './auth.middleware';

/**
 * Query parameters and headers whose name contains one of these (case-insensitively) are never
 * logged: `access-token`, `X-Api-Key`, `apikey`, `jwt`, `session_id`, `Authorization`, `Cookie`...
 * Matching fragments errs towards redacting: `author` or `keyword` are redacted too.
 */
export const DEFAULT_REDACTED_FRAGMENTS: readonly string[] = [
  'token',
  'secret',
  'pass',
  'auth',
  'key',
  'session',
  'cookie',
  'jwt',
  'signature',
  'credential',
];

export const REDACTED = '[REDACTED]';

/** Handshake mechanics, not worth a log line. */
const UNLOGGED_HEADERS = new Set([
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
]);

/** Decides which names are secret; built once per LoggingMiddleware. */
export class Redactor {
  private readonly names: ReadonlySet<string>;
  private readonly fragments: RegExp | null;

  /**
   * @param names - exact names (any case) to redact.
   * @param fragments - parts of names to redact wherever they occur (any case).
   */
  constructor(names: readonly string[], fragments: readonly string[]) {
    this.names = new Set(names.map((name) => name.toLowerCase()));
    this.fragments = fragments.length > 0 ? new RegExp(fragments.map(escapeRegExp).join('|'), 'i') : null;
  }

  isSecret(name: string): boolean {
    return this.names.has(name.toLowerCase()) || (this.fragments !== null && this.fragments.test(name));
  }

  /** The query string as an object, secret values replaced; repeated names keep their last value. */
  query(ws: WebSocketConnection<object>): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, value] of ws.queryParams) result[name] = this.isSecret(name) ? REDACTED : value;
    return result;
  }

  /** Request headers worth logging, secret values replaced (including a bearer token offered as subprotocol). */
  headers(ws: WebSocketConnection<object>): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, value] of ws.headers) {
      if (UNLOGGED_HEADERS.has(name)) continue;
      if (name === 'sec-websocket-protocol') result[name] = redactedSubprotocols(ws.requestedSubprotocols).join(', ');
      else result[name] = this.isSecret(name) ? REDACTED : value;
    }
    return result;
  }
}

/** The offered subprotocols with the token after `bearer` (any case) replaced. */
export function redactedSubprotocols(offered: readonly string[]): string[] {
  return offered.map((protocol, i) => (i > 0 && offered[i - 1].toLowerCase() === BEARER_SUBPROTOCOL ? REDACTED : protocol));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
