/** A WebSocket client written byte by byte, for the issue-11 measurements: frames go out exactly as given. */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A masked client frame. */
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

/**
 * Opens a WebSocket on a raw socket; answers every ping with a pong, as browsers and the ws
 * library do, and otherwise ignores what the server sends. Resolves once upgraded.
 */
export function openRaw(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let pending: Buffer = Buffer.alloc(0);
    let upgraded = false;
    socket.on('error', () => undefined);
    socket.once('close', () => reject(new Error('closed before the upgrade')));
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!pending.subarray(0, 12).toString().includes('101')) return reject(new Error(pending.subarray(0, end).toString()));
        upgraded = true;
        pending = pending.subarray(end + 4);
        resolve(socket);
      }
      // Server frames are unmasked; only small control frames matter here.
      while (pending.length >= 2) {
        const length = pending[1] & 0x7f;
        const header = length === 126 ? 4 : length === 127 ? 10 : 2;
        const size = length === 126 ? pending.readUInt16BE(2) : length === 127 ? Number(pending.readBigUInt64BE(2)) : length;
        if (pending.length < header + size) break;
        if ((pending[0] & 0x0f) === 0x9) socket.write(clientFrame(0xa, pending.subarray(header, header + size), true));
        pending = pending.subarray(header + size);
      }
    });
  });
}
