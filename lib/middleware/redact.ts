import type { WebSocketConnection } from '../connection/web-socket-connection';
import { BEARER_SUBPROTOCOL } from './auth.middleware';
import { isRegisteredCredential } from './credential-names';
import { boundedRecord, type BoundedRecord } from './log-bounds';

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

/**
 * Subprotocol names logged as offered. Browsers can hand a WebSocket no header, so a credential
 * travels in the query or as a subprotocol, in whatever order the client chose: every other
 * offered subprotocol is logged as `[REDACTED]`. These are public protocol names (the IANA
 * registry's common ones, GraphQL's), never secrets; a gateway adds its own with the
 * `safeSubprotocols` option of LoggingMiddleware.
 */
export const DEFAULT_SAFE_SUBPROTOCOLS: readonly string[] = [
  BEARER_SUBPROTOCOL,
  'graphql-ws',
  'graphql-transport-ws',
  'mqtt',
  'wamp.2.json',
  'wamp.2.msgpack',
  'v10.stomp',
  'v11.stomp',
  'v12.stomp',
  'soap',
  'xmpp',
  'sip',
  'ocpp1.6',
  'ocpp2.0.1',
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

/** Most subprotocols listed in a log line; a client may offer any number. */
const MAX_LOGGED_SUBPROTOCOLS = 16;

/** The subprotocols of a connect line: safe names as offered, the others redacted. */
export interface LoggedSubprotocols {
  readonly list: string[];
  /** Offered beyond {@link MAX_LOGGED_SUBPROTOCOLS}. */
  readonly omitted: number;
}

/** Decides which names are secret and which subprotocols safe; built once per LoggingMiddleware. */
export class Redactor {
  private readonly names: ReadonlySet<string>;
  private readonly fragments: RegExp | null;
  private readonly safeSubprotocols: ReadonlySet<string>;

  /**
   * @param names - exact names (any case) to redact.
   * @param fragments - parts of names to redact wherever they occur (any case).
   * @param safeSubprotocols - subprotocol names to log as offered (any case); all others are redacted.
   */
  constructor(names: readonly string[], fragments: readonly string[], safeSubprotocols: readonly string[] = DEFAULT_SAFE_SUBPROTOCOLS) {
    this.names = new Set(names.map((name) => name.toLowerCase()));
    this.fragments = fragments.length > 0 ? new RegExp(fragments.map(escapeRegExp).join('|'), 'i') : null;
    this.safeSubprotocols = new Set(safeSubprotocols.map((name) => name.toLowerCase()));
  }

  isSecret(name: string): boolean {
    return this.names.has(name.toLowerCase()) || isRegisteredCredential(name) || (this.fragments !== null && this.fragments.test(name));
  }

  /** The query string as an object, secret values replaced and sizes bounded; repeated names keep their last value. */
  query(ws: WebSocketConnection<object>): BoundedRecord {
    return boundedRecord(ws.queryParams, (name, value) => (this.isSecret(name) ? REDACTED : value));
  }

  /** Request headers worth logging, secret values replaced (subprotocols as {@link subprotocols} says), sizes bounded. */
  headers(ws: WebSocketConnection<object>): BoundedRecord {
    return boundedRecord(ws.headers, (name, value) => {
      if (UNLOGGED_HEADERS.has(name)) return undefined;
      if (name === 'sec-websocket-protocol') return this.subprotocols(ws.requestedSubprotocols).list.join(', ');
      return this.isSecret(name) ? REDACTED : value;
    });
  }

  /** The offered subprotocols, each either a safe name or `[REDACTED]`; at most 16. */
  subprotocols(offered: readonly string[]): LoggedSubprotocols {
    const list = offered
      .slice(0, MAX_LOGGED_SUBPROTOCOLS)
      .map((protocol) => (this.safeSubprotocols.has(protocol.toLowerCase()) ? protocol : REDACTED));
    return { list, omitted: Math.max(0, offered.length - MAX_LOGGED_SUBPROTOCOLS) };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
