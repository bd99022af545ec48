/**
 * Issue 11, defect 10 (the pure part): path parameters decoded inconsistently. `%ff` was kept
 * literally, so `/chat/%ff` and `/chat/%25ff` named one room. decodePathSegment() decodes a
 * segment as uWS hands it over, strictly, or says why it cannot; the adapter is to answer 400
 * with that reason. The first test checks, with real requests and raw bytes, what uWS 20.30
 * hands over, which the decoder relies on.
 */
import { connect } from 'node:net';
import { ProAPI, silentLogger, type WebSocketConnection } from '../../index';
import { decodePathSegment, decodePathTail, InvalidPathEncoding } from '../../lib/routing/decode-path';

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
    const app = new ProAPI({ logger: silentLogger });
    // The raw path as uWS gave it to the adapter, as code points (the body is ASCII whatever the path).
    app.websocket('/r/:room', (ws: WebSocketConnection) => ws.deny(400, codePoints(ws.path).join(' ')));
    const port = await app.listen(0, '127.0.0.1');
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
      await app.close();
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
});
