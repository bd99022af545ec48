import type uWS from 'uWebSockets.js';
import type { OriginPolicy } from '../routing/allowed-origins';
import { statusLine } from './pending-upgrade';

/** Why an upgrade request is answered with an HTTP error instead. */
export interface Refusal {
  readonly status: number;
  /** The response body, and the log line's reason. */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** 16 bytes in base64 (RFC 6455 §4.1): 22 characters and two of padding. */
const WEBSOCKET_KEY = /^[A-Za-z0-9+/]{22}==$/;

/**
 * What RFC 6455 §4.2.1 asks of an opening handshake, beyond what uWS 20.30 checks itself (it
 * upgrades any GET with a 24-character Sec-WebSocket-Key, even without `Upgrade: websocket`).
 * A malformed handshake gets 400; a version other than 13 gets 426 naming the one supported.
 */
export function checkHandshake(req: uWS.HttpRequest): Refusal | null {
  if (!hasToken(req.getHeader('upgrade'), 'websocket')) return badHandshake('it has no "Upgrade: websocket" header');
  if (!hasToken(req.getHeader('connection'), 'upgrade')) return badHandshake('its Connection header has no "Upgrade"');
  if (!WEBSOCKET_KEY.test(req.getHeader('sec-websocket-key'))) return badHandshake('its Sec-WebSocket-Key is not 16 bytes in base64');
  if (req.getHeader('host') === '') return badHandshake('it has no Host header');
  if (req.getHeader('sec-websocket-version') !== '13') {
    return { status: 426, body: 'only WebSocket version 13 is supported', headers: { 'Sec-WebSocket-Version': '13' } };
  }
  return null;
}

/**
 * What a GET that uWS did not upgrade gets: one that tries to be a handshake (uWS passes on those
 * with a missing or malformed Sec-WebSocket-Key) is malformed, 400; a plain GET is told to
 * upgrade, 426.
 */
export function answerToPlainGet(req: uWS.HttpRequest): Refusal {
  if (req.getHeader('upgrade') !== '' || req.getHeader('sec-websocket-key') !== '') {
    return badHandshake('its Sec-WebSocket-Key is missing or not 16 bytes in base64');
  }
  return { status: 426, body: 'this path speaks WebSocket only', headers: { Upgrade: 'websocket' } };
}

/** 403 for a page (Origin) the route does not allow: see allowed-origins.ts. */
export function checkOrigin(origins: OriginPolicy, req: uWS.HttpRequest): Refusal | null {
  const origin = req.getHeader('origin');
  if (origins.allows(origin, req.getHeader('host'))) return null;
  return { status: 403, body: `origin ${JSON.stringify(origin.slice(0, 200))} is not allowed (allowedOrigins: ${origins.summary})` };
}

/** Writes a refusal and closes the HTTP connection (`end(body, true)` sends `Connection: close`). */
export function writeRefusal(res: uWS.HttpResponse, refusal: Refusal): void {
  res.writeStatus(statusLine(refusal.status));
  if (refusal.headers) for (const name of Object.keys(refusal.headers)) res.writeHeader(name, refusal.headers[name]);
  res.end(refusal.body, true);
}

function badHandshake(why: string): Refusal {
  return { status: 400, body: `bad WebSocket handshake: ${why}` };
}

/** Whether a comma-separated header has `token`, case-insensitively (`Connection: keep-alive, Upgrade`). */
function hasToken(header: string, token: string): boolean {
  if (header.length === token.length) return header.toLowerCase() === token;
  return header.split(',').some((part) => part.trim().toLowerCase() === token);
}
