/**
 * Defect 10: path parameters decoded inconsistently. `%ff` was kept literally, so
 * `/chat/%ff` and `/chat/%25ff` named one room. decodePathSegment() decodes a segment as uWS
 * hands it over, strictly, or says why it cannot; the adapter answers 400 with that reason. The
 * first test checks, with real requests and raw bytes on a bare uWS app, what uWS 20.30 hands
 * over, which the decoder relies on; the last ones, what a ProAPI app answers.
 */
import { connect } from 'node:net';
import uWS from 'uWebSockets.js';
import { decodePathSegment, decodePathTail, InvalidPathEncoding } from '../../lib/routing/decode-path';
import { startApp } from '../helpers/app';
import { handshakeRequest, rawRequest } from '../helpers/raw-http';

/** Sends an upgrade request whose path is `path` (raw bytes) and resolves with the response body. */
function rawUpgrade(port: number, path: Buffer): Promise<string> {
  const head = Buffer.from(
    ' HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from('GET '), path, head])));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (end < 0 || !length || received.length < end + 4 + Number(length[1])) return;
      socket.destroy();
      resolve(received.subarray(end + 4).toString('utf8'));
    });
    socket.once('error', reject);
  });
}

const codePoints = (text: string): string[] => Array.from(text, (c) => c.codePointAt(0)!.toString(16));

describe('defect 10: path segments decode to one text each, or are refused', () => {
  it('relies on what uWS 20.30 hands over: raw bytes read as UTF-8, bytes that are not UTF-8 as U+FFFD, escapes untouched', async () => {
    const app = uWS.App();
    // The raw path as uWS gives it, as code points (the body is ASCII whatever the path).
    app.ws('/r/:room', { upgrade: (res, req) => void res.writeStatus('400 Bad Request').end(codePoints(req.getUrl()).join(' ')) });
    const port = await new Promise<number>((resolve, reject) =>
      app.listen('127.0.0.1', 0, (socket) => (socket ? resolve(uWS.us_socket_local_port(socket as unknown as uWS.us_socket)) : reject(new Error('listen failed')))),
    );
    try {
      const seen = async (segment: Buffer): Promise<string> => {
        const body = await rawUpgrade(port, Buffer.concat([Buffer.from('/r/'), segment]));
        const points = body.split(' ').slice(3); // after "/", "r", "/"
        return String.fromCodePoint(...points.map((p) => parseInt(p, 16)));
      };
      expect(await seen(Buffer.from('café€😀', 'utf8'))).toBe('café€😀');
      expect(await seen(Buffer.from([0xe9]))).toBe('\uFFFD'); // é sent as Latin-1
      expect(await seen(Buffer.from([0x61, 0xff, 0x80, 0x62]))).toBe('a\uFFFD\uFFFDb');
      expect(await seen(Buffer.from('%C3%A9%ff'))).toBe('%C3%A9%ff');

      // What the decoder makes of each.
      expect(decodePathSegment(await seen(Buffer.from('café€😀', 'utf8')))).toBe('café€😀');
      expect(decodePathSegment(await seen(Buffer.from([0xe9])))).toBeInstanceOf(InvalidPathEncoding);
      expect(decodePathSegment(await seen(Buffer.from('%C3%A9')))).toBe('é');
    } finally {
      (app as unknown as { close(): void }).close();
    }
  });

  it.each([
    ['lobby', 'lobby'],
    ['caf%C3%A9', 'café'],
    ['caf%c3%a9', 'café'],
    ['café', 'café'],
    ['%E2%82%AC%20%F0%9F%98%80', '€ 😀'],
    ['%25ff', '%ff'],
    ['a%2Fb', 'a/b'],
    ['%EF%BF%BD', '\uFFFD'],
    ['%00', '\u0000'],
    ['', ''],
  ])('decodes %j to %j', (raw, text) => {
    expect(decodePathSegment(raw)).toBe(text);
  });

  it.each([
    ['%ff', 'not UTF-8'],
    ['%C3', 'not UTF-8'],
    ['%C3%28', 'not UTF-8'],
    ['%C0%AF', 'not UTF-8'], // overlong "/"
    ['%ED%A0%80', 'not UTF-8'], // a UTF-16 surrogate
    ['%F4%90%80%80', 'not UTF-8'], // beyond U+10FFFF
    ['%', 'two hex digits'],
    ['%4', 'two hex digits'],
    ['%zz', 'two hex digits'],
    ['100%', 'two hex digits'],
    ['a\uFFFDb', 'bytes that are not UTF-8'],
  ])('refuses %j: %s', (raw, why) => {
    const result = decodePathSegment(raw);
    expect(result).toBeInstanceOf(InvalidPathEncoding);
    expect((result as InvalidPathEncoding).reason).toContain(why);
  });

  it('gives two different URLs two different values, or refuses one', () => {
    const values = ['%ff', '%25ff', '%FF', '\uFFFD', '%EF%BF%BD'].map((raw) => decodePathSegment(raw));
    const texts = values.filter((value): value is string => typeof value === 'string');
    expect(texts).toEqual(['%ff', '\uFFFD']);
  });

  it('decodes a path tail segment by segment, refusing an escaped slash', () => {
    expect(decodePathTail('docs/caf%C3%A9.md')).toBe('docs/café.md');
    expect(decodePathTail('a/b')).toBe('a/b');
    for (const raw of ['a%2Fb', 'a%2fb', 'docs/%ff']) expect(decodePathTail(raw)).toBeInstanceOf(InvalidPathEncoding);
  });

  it('an app answers 400 with the reason for a path parameter that is not UTF-8, before the upgrade', async () => {
    const { app, port } = await startApp({}, (a) => {
      a.websocket('/chat/:room', (ws) => ws.deny(418, ws.params.room));
      a.websocket('/files/*', (ws) => ws.deny(418, ws.params['*']));
    });
    try {
      const answer = (path: string): ReturnType<typeof rawRequest> => rawRequest(port, handshakeRequest(path, port));
      // Decoded once, as UTF-8: each text has one spelling.
      expect(await answer('/chat/caf%C3%A9')).toMatchObject({ status: 418, body: 'café' });
      expect(await answer('/chat/%25ff')).toMatchObject({ status: 418, body: '%ff' });
      expect(await answer('/files/docs/caf%C3%A9.md')).toMatchObject({ status: 418, body: 'docs/café.md' });
      const refused = await answer('/chat/%ff');
      expect(refused.status).toBe(400);
      expect(refused.body).toMatch(/not UTF-8/);
      expect((await answer('/chat/100%')).status).toBe(400);
      expect((await answer('/files/a%2Fb')).status).toBe(400);
      expect((await app.stats()).refusals).toMatchObject({ '400': 3 });
    } finally {
      await app.close();
    }
  });
});
