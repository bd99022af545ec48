import { randomUUID } from 'node:crypto';
import type { WebSocketConnection } from '../connection/web-socket-connection';
import { cutText } from '../cut-text';
import { MAX_LOGGED_PATH_CHARACTERS } from './log-bounds';
import type { Redactor } from './redact';

/** An `X-Request-Id` is used as given only if it is 1 to 128 visible ASCII characters (UUIDs, hex, base64). */
const USABLE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
/** Characters of an unusable `X-Request-Id` shown in the connect line. */
const MAX_SHOWN_CLIENT_REQUEST_ID = 64;

/** The request id of a connection's log lines, and the client's own when it was unusable. */
export interface RequestIdentity {
  readonly requestId: string;
  /** The client's `X-Request-Id`, cut, when it was too long or had other characters. */
  readonly unusedClientId?: string;
}

/** The `X-Request-Id` header when usable, else a new UUID. */
export function requestIdentity(ws: WebSocketConnection<object>): RequestIdentity {
  const given = ws.headers.get('x-request-id');
  if (given === undefined) return { requestId: randomUUID() };
  if (USABLE_REQUEST_ID.test(given)) return { requestId: given };
  return { requestId: randomUUID(), unusedClientId: cutText(given, MAX_SHOWN_CLIENT_REQUEST_ID) };
}

/**
 * The fields of a `websocket connect` line: request id, path, redacted query and headers, client
 * address, offered subprotocols. Each is bounded (see log-bounds.ts), so a line stays under
 * about 9 KiB whatever the request; `queryOmitted`, `headersOmitted` and `subprotocolsOmitted`
 * count what did not fit.
 */
export function connectLine(ws: WebSocketConnection<object>, redactor: Redactor, identity: RequestIdentity): Record<string, unknown> {
  const query = redactor.query(ws);
  const headers = redactor.headers(ws);
  const subprotocols = redactor.subprotocols(ws.requestedSubprotocols);
  const fields: Record<string, unknown> = {
    event: 'connect',
    requestId: identity.requestId,
    path: cutText(ws.path, MAX_LOGGED_PATH_CHARACTERS),
    query: query.entries,
    client: ws.clientHost,
    subprotocols: subprotocols.list,
    headers: headers.entries,
  };
  if (identity.unusedClientId !== undefined) fields.clientRequestId = identity.unusedClientId;
  if (query.omitted > 0) fields.queryOmitted = query.omitted;
  if (headers.omitted > 0) fields.headersOmitted = headers.omitted;
  if (subprotocols.omitted > 0) fields.subprotocolsOmitted = subprotocols.omitted;
  return fields;
}
