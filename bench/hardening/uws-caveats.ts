/**
 * What uWebSockets.js 20.30 does with frames and handshakes that break RFC 6455, measured against
 * the echo sample (which answers `Echo: <text>`). For each case: what came back (an echo, a close
 * frame with its code, or the TCP connection dropped without one) and what the server logged.
 * ProAPI cannot change these; the README's Security section lists them.
 *
 *   npx ts-node --transpile-only bench/hardening/uws-caveats.ts [--root <checkout>]
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { clientFrame } from './raw-client';
import { rootFromArgs, startSample } from './sample-process';

/** A frame without a mask, as only servers may send. */
function unmaskedFrame(opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code);
  payload.write(reason, 2);
  return payload;
}

/** Opens /ws raw, writes `frames`, and describes what the server sends back within 1 s. */
function exchange(port: number, frames: Buffer[], rawRequest?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        rawRequest ??
          `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let data: Buffer = Buffer.alloc(0);
    let upgraded = false;
    const seen: string[] = [];
    const finish = (how: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve([...seen, how].join(', '));
    };
    const timer = setTimeout(() => finish('connection still open after 1 s'), 1000);
    socket.on('error', () => undefined);
    socket.on('close', () => finish(seen.some((s) => s.startsWith('close frame')) ? 'then TCP closed' : 'TCP dropped without a close frame'));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (!upgraded) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = data.subarray(0, end).toString('latin1').split('\r\n')[0];
        if (!status.includes(' 101 ')) return finish(`answered "${status}"`);
        upgraded = true;
        data = data.subarray(end + 4);
        for (const frame of frames) socket.write(frame);
      }
      while (data.length >= 2) {
        const length = data[1] & 0x7f;
        if (length > 125 || data.length < 2 + length) break;
        const opcode = data[0] & 0x0f;
        const payload = data.subarray(2, 2 + length);
        if (opcode === 0x8) seen.push(payload.length >= 2 ? `close frame ${payload.readUInt16BE(0)} "${payload.subarray(2).toString()}"` : 'close frame without a code');
        else if (opcode === 0x1) seen.push(`text "${payload.toString()}"`);
        else seen.push(`opcode ${opcode}`);
        data = data.subarray(2 + length);
      }
    });
  });
}

async function main(): Promise<void> {
  const root = rootFromArgs();
  const server = await startSample(root, 'echo');
  const { port } = server;
  const text = (s: string): Buffer => clientFrame(0x1, Buffer.from(s), true);
  const cases: [string, Buffer[], string?][] = [
    ['a masked text frame (control)', [text('hi')]],
    ['an unmasked text frame', [unmaskedFrame(0x1, Buffer.from('hi'))]],
    ['an unmasked text frame, then a masked one', [unmaskedFrame(0x1, Buffer.from('hi')), text('there')]],
    ['an unmasked frame of "\\0\\0\\0\\0hi", length 2', [Buffer.from([0x81, 0x02, 0, 0, 0, 0, 0x68, 0x69])]],
    ['close with 1000', [clientFrame(0x8, closePayload(1000, 'bye'), true)]],
    ['close with 1005 (may not be sent)', [clientFrame(0x8, closePayload(1005), true)]],
    ['close with 999 (invalid)', [clientFrame(0x8, closePayload(999), true)]],
    ['close with 5000 (invalid)', [clientFrame(0x8, closePayload(5000), true)]],
    ['close with a 1-byte payload', [clientFrame(0x8, Buffer.from([3]), true)]],
    ['close with a reason that is not UTF-8', [clientFrame(0x8, Buffer.concat([closePayload(1000), Buffer.from([0xff])]), true)]],
    ['unknown opcode 3', [clientFrame(0x3, Buffer.from('x'), true)]],
    ['RSV1 set without an extension', [Buffer.from([0xc1, ...clientFrame(0x1, Buffer.from('x'), true).subarray(1)])]],
    ['text that is not UTF-8', [clientFrame(0x1, Buffer.from([0xff, 0xfe]), true)]],
    ['a ping of 126 bytes (control frames hold 125)', [clientFrame(0x9, Buffer.alloc(126), true)]],
    ['a fragmented ping', [clientFrame(0x9, Buffer.from('x'), false)]],
    ['a continuation without a first fragment', [clientFrame(0x0, Buffer.from('x'), true)]],
    ['a new text frame inside a fragmented message', [clientFrame(0x1, Buffer.from('a'), false), text('b')]],
  ];
  const many = Array.from({ length: 60 }, (_, i) => `X-H${i}: v\r\n`).join('');
  const handshake = (extra: string): string =>
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
  cases.push(['a handshake with 60 more headers', [], handshake(many)]);
  cases.push(['a handshake with a 200 KB header', [], handshake(`X-Big: ${'a'.repeat(200_000)}\r\n`)]);
  console.log(`server: ${root}`);
  for (const [name, frames, request] of cases) console.log(`  ${name.padEnd(48)} ${await exchange(port, frames, request)}`);
  const logged = server.output().split('\n').filter((line) => line.includes('"reason"'));
  console.log('server log lines with a reason:');
  for (const line of logged) console.log(`  ${JSON.parse(line).reason as string}`);
  console.log(`  ${'restart on the same port after a clean close'.padEnd(48)} ${await restartOnSamePort(root, server)}`);
}

/** A client closes cleanly (1000, as browsers do), then the server stops and another tries its port. */
async function restartOnSamePort(root: string, server: Awaited<ReturnType<typeof startSample>>): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  await new Promise((resolve) => ws.once('open', resolve));
  ws.close(1000);
  await new Promise((resolve) => ws.once('close', resolve));
  server.child.kill('SIGINT');
  await server.exited;
  try {
    const again = await startSample(root, 'echo', { port: server.port });
    await again.stop();
    return 'listened';
  } catch (error) {
    return `failed: ${/could not listen[^\n]*/.exec((error as Error).message)?.[0] ?? (error as Error).message.split('\n')[0]}`;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
