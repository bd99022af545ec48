import type { WebSocketConnection } from '../connection/web-socket-connection';
import { BEARER_SUBPROTOCOL } from './auth.middleware';

/** Query parameters and headers whose values are never logged (names compared case-insensitively). */
export const DEFAULT_REDACTED_NAMES: readonly string[] = [
  'token',
  'access_token',
  'password',
  'secret',
  'api_key',
  'authorization',
  'proxy-authorization',
  'cookie',
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

/** The query string as an object, sensitive values replaced; repeated names keep their last value. */
export function redactedQuery(ws: WebSocketConnection, redact: ReadonlySet<string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of ws.queryParams) result[name] = redact.has(name.toLowerCase()) ? REDACTED : value;
  return result;
}

/** Request headers worth logging, sensitive values replaced (including a bearer token offered as subprotocol). */
export function redactedHeaders(ws: WebSocketConnection, redact: ReadonlySet<string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of ws.headers) {
    if (UNLOGGED_HEADERS.has(name)) continue;
    if (redact.has(name)) result[name] = REDACTED;
    else if (name === 'sec-websocket-protocol') result[name] = redactedSubprotocols(ws.requestedSubprotocols).join(', ');
    else result[name] = value;
  }
  return result;
}

/** The offered subprotocols with the token after `bearer` replaced. */
export function redactedSubprotocols(offered: readonly string[]): string[] {
  return offered.map((protocol, i) => (i > 0 && offered[i - 1] === BEARER_SUBPROTOCOL ? REDACTED : protocol));
}
