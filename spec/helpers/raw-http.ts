import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { withTimeout } from './async';

export interface RawResponse {
  status: number;
  /** Lowercased header names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `request` as written (no client library adds or fixes anything) and reads the answer:
 * the status line, headers, and as much body as Content-Length says or the server sends before
 * closing. A 101 answer resolves at the end of its headers and the socket is destroyed.
 */
export function rawRequest(port: number, request: string, timeoutMs = 5000): Promise<RawResponse> {
  const socket = connect(port, '127.0.0.1', () => socket.write(request));
  const answer = new Promise<RawResponse>((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    const tryParse = (ended: boolean): void => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (ended) reject(new Error(`the server closed the connection without an HTTP answer (got ${JSON.stringify(received.toString('latin1', 0, 80))})`));
        return;
      }
      const [statusLine, ...lines] = received.toString('latin1', 0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const status = Number(statusLine.split(' ')[1]);
      const body = received.subarray(end + 4);
      const length = Number(headers['content-length'] ?? NaN);
      if (status === 101 || ended || body.length >= length) {
        resolve({ status, headers, body: (Number.isNaN(length) ? body : body.subarray(0, length)).toString('utf8') });
        socket.destroy();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('error', reject);
  });
  return withTimeout(answer, timeoutMs, `an HTTP answer to ${JSON.stringify(request.split('\r\n')[0])}`).finally(() => socket.destroy());
}

/** A WebSocket opening handshake as a browser sends it, with `headers` added or overriding (a value of null leaves a header out). */
export function handshakeRequest(path: string, port: number, headers: Readonly<Record<string, string | null>> = {}): string {
  const all: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** A client frame (masked, as RFC 6455 requires of clients). */
export function clientFrame(opcode: number, payload: Buffer, fin: boolean): Buffer {
  const length = payload.length;
  const header = Buffer.alloc(length < 126 ? 2 : length < 65536 ? 4 : 10);
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126) header[1] = 0x80 | length;
  else if (length < 65536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, body]);
}

export const Opcode = { CONTINUATION: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 } as const;

/** A WebSocket spoken byte by byte: frames go out as given, and pings are answered, as a live client would. */
export interface RawWebSocket {
  readonly socket: Socket;
  /** Resolves when the server ends the TCP connection. */
  readonly ended: Promise<void>;
  /** Server frames seen so far: opcode and payload. */
  readonly frames: { opcode: number; payload: Buffer }[];
  write(frame: Buffer): Promise<void>;
}

/** Opens a WebSocket to `path` with a raw socket and waits for the 101. */
export async function openRawWebSocket(port: number, path: string): Promise<RawWebSocket> {
  const socket = connect(port, '127.0.0.1');
  await withTimeout(new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject)), 5000, 'a TCP connection');
  socket.write(handshakeRequest(path, port));
  const frames: { opcode: number; payload: Buffer }[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let upgraded = false;
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        pending = pending.subarray(end + 4);
        resolve();
      }
      pending = readServerFrames(pending, (opcode, payload) => {
        frames.push({ opcode, payload });
        if (opcode === Opcode.PING && !socket.destroyed) socket.write(clientFrame(Opcode.PONG, payload, true));
      });
    });
  });
  await withTimeout(opened, 5000, `the upgrade of ${path}`);
  const write = (frame: Buffer): Promise<void> => new Promise((resolve, reject) => socket.write(frame, (error) => (error ? reject(error) : resolve())));
  return { socket, ended, frames, write };
}

/** Reads whole (unmasked) server frames off the front of `data`; returns what is left. */
function readServerFrames(data: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let at = 0;
  for (;;) {
    if (data.length - at < 2) break;
    let length = data[at + 1] & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (data.length - at < 4) break;
      length = data.readUInt16BE(at + 2);
      offset = at + 4;
    } else if (length === 127) {
      if (data.length - at < 10) break;
      length = Number(data.readBigUInt64BE(at + 2));
      offset = at + 10;
    }
    if (data.length < offset + length) break;
    onFrame(data[at] & 0x0f, data.subarray(offset, offset + length));
    at = offset + length;
  }
  return data.subarray(at);
}
