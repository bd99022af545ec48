import WebSocket from 'ws';
import type { Wire } from '../config';

/** A bench server as the load generator sees it. */
export interface Target {
  readonly id: string;
  readonly baseUrl: string;
  readonly wire: Wire;
  /** The route idle connections open: `echo`, or `json` for servers that only speak typed messages. */
  readonly idleRoute: 'echo' | 'json';
  /** Every node of a scale-out server (the first is `baseUrl`); members are spread over them. */
  readonly baseUrls?: readonly string[];
}

export type Route = { kind: 'echo' } | { kind: 'json' } | { kind: 'room'; room: string };

/**
 * How frames look on a server's wire. Plain servers carry the payload as the frame; Socket.IO
 * wraps it in an engine.io/socket.io event packet (`42["m","<payload>"]`) and pings at the
 * engine.io level, which `control()` answers.
 */
export interface Codec {
  /** A text frame carrying a 64-byte text payload. */
  text(payload: string): string;
  /** A text frame carrying a JSON document. */
  json(document: string): string;
  /** Where the payload starts in a received text frame (same offset as `text()` puts it). */
  readonly textOffset: number;
  /** Handles a frame that is not an event; returns true if it was one (and is not counted). */
  control(ws: WebSocket, frame: Buffer): boolean;
}

const PLAIN: Codec = {
  text: (payload) => payload,
  json: (document) => document,
  textOffset: 0,
  control: () => false,
};

const CHAR_4 = 0x34;
const CHAR_2 = 0x32;

const SOCKET_IO: Codec = {
  text: (payload) => `42["m","${payload}"]`,
  json: (document) => `42["json",${document}]`,
  textOffset: '42["m","'.length,
  control(ws, frame) {
    if (frame[0] === CHAR_4 && frame[1] === CHAR_2) return false;
    if (frame.length === 1 && frame[0] === CHAR_2) ws.send('3'); // engine.io ping -> pong
    return true;
  },
};

export function codecFor(wire: Wire): Codec {
  return wire === 'socket.io' ? SOCKET_IO : PLAIN;
}

export function urlFor(target: Target, route: Route): string {
  if (target.wire === 'socket.io') {
    const room = route.kind === 'room' ? `&room=${encodeURIComponent(route.room)}` : '';
    return `${target.baseUrl}/socket.io/?EIO=4&transport=websocket&route=${route.kind}${room}`;
  }
  return route.kind === 'room' ? `${target.baseUrl}/room/${encodeURIComponent(route.room)}` : `${target.baseUrl}/${route.kind}`;
}

/** Client options that keep the load generator cheap: no compression, no UTF-8 validation. */
const CLIENT_OPTIONS: WebSocket.ClientOptions = { perMessageDeflate: false, skipUTF8Validation: true };

/**
 * Opens a connection and resolves once it can carry events (for Socket.IO: after the namespace
 * CONNECT is acknowledged, which is when the server's connection handler has run).
 */
export function openLink(target: Target, route: Route, timeoutMs = 10_000): Promise<WebSocket> {
  const ws = new WebSocket(urlFor(target, route), CLIENT_OPTIONS);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`connect to ${target.id} timed out after ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(error);
    };
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`${target.id} refused the upgrade with HTTP ${res.statusCode}`)));
    ws.once('close', (code) => fail(new Error(`${target.id} closed the connection (${code}) while connecting`)));
    const ready = (): void => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      resolve(ws);
    };
    if (target.wire === 'plain') {
      ws.once('open', ready);
      return;
    }
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('0')) ws.send('40'); // engine.io open -> socket.io CONNECT to "/"
      else if (text.startsWith('40')) ready();
      else if (text.startsWith('44')) fail(new Error(`${target.id} refused the namespace: ${text}`));
    });
  });
}

/** Reads the decimal number starting at `offset` (stops at the first non-digit). */
export function readUint(frame: Buffer, offset: number): number {
  let value = 0;
  for (let i = offset; i < frame.length; i++) {
    const digit = frame[i] - 0x30;
    if (digit < 0 || digit > 9) return i === offset ? -1 : value;
    value = value * 10 + digit;
  }
  return frame.length > offset ? value : -1;
}

/** Pads `prefix` with dots to exactly `bytes` characters (payloads are ASCII). */
export function padTo(prefix: string, bytes: number): string {
  return prefix.length >= bytes ? prefix.slice(0, bytes) : prefix + '.'.repeat(bytes - prefix.length);
}
