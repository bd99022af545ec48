/**
 * Defects 8, 9 and 10: how the server answers handshakes, and what a connection's
 * headers cost while it is idle. The chat sample (`/chat/:room`) runs in its own process.
 * - The HTTP status of each kind of request: well-formed, malformed (8), from another site's page
 *   (9), with a path parameter that is not UTF-8 (10), and with large headers (8).
 * - Server RSS per idle connection, 300 connections, each with one header of `--header-kib` KiB
 *   (default 60; uWS 20.30 itself takes up to about 100 KB).
 *
 *   npx ts-node --transpile-only bench/hardening/08-handshake.ts [--root <checkout>] [--header-kib 60]
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { mib, rootFromArgs, rssBytes, startSample } from './sample-process';

const at = process.argv.indexOf('--header-kib');
const HEADER_KIB = at >= 0 ? Number(process.argv[at + 1]) : 60;
const IDLE_CONNECTIONS = 300;

function request(port: number, path: string, headers: Record<string, string | null>): string {
  const all: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}\r\n`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** Sends `text`; resolves with the status of the answer and the socket (left open when upgraded). */
function send(port: number, text: string): Promise<{ status: string; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    const timer = setTimeout(() => done('no answer in 2 s'), 2000);
    const done = (status: string): void => {
      clearTimeout(timer);
      if (status !== '101') socket.destroy();
      resolve({ status, socket });
    };
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) done(got.split(' ')[1]);
    });
    socket.on('error', (error) => done(`error ${error.message}`));
  });
}

async function main(): Promise<void> {
  const root = rootFromArgs();
  const server = await startSample(root, 'chat');
  const { port } = server;
  const room = '/chat/lobby?username=ann';
  const cases: [string, string][] = [
    ['well-formed handshake', request(port, room, {})],
    ['browser handshake (Connection: keep-alive, Upgrade)', request(port, room, { Connection: 'keep-alive, Upgrade' })],
    ['8: no Upgrade header', request(port, room, { Upgrade: null })],
    ['8: Upgrade: h2c', request(port, room, { Upgrade: 'h2c' })],
    ['8: Connection without Upgrade', request(port, room, { Connection: 'keep-alive' })],
    ['8: Sec-WebSocket-Key "abc"', request(port, room, { 'Sec-WebSocket-Key': 'abc' })],
    ['8: Sec-WebSocket-Key of 24 "!"', request(port, room, { 'Sec-WebSocket-Key': '!'.repeat(24) })],
    ['8: Sec-WebSocket-Version 8', request(port, room, { 'Sec-WebSocket-Version': '8' })],
    ['8: 20 KiB of headers', request(port, room, { Cookie: 'c'.repeat(20 * 1024) })],
    ['8: 60 KiB of headers', request(port, room, { Cookie: 'c'.repeat(60 * 1024) })],
    ['9: Origin of another site', request(port, room, { Origin: 'https://evil.example' })],
    ['9: Origin of this host', request(port, room, { Origin: `http://127.0.0.1:${port}` })],
    ['10: /chat/caf%C3%A9', request(port, '/chat/caf%C3%A9?username=ann', {})],
    ['10: /chat/%ff', request(port, '/chat/%ff?username=ann', {})],
    ['10: /chat/%25ff', request(port, '/chat/%25ff?username=ann', {})],
  ];
  console.log(`server: ${root}`);
  for (const [name, text] of cases) {
    const { status, socket } = await send(port, text);
    socket.destroy();
    console.log(`  ${name.padEnd(52)} ${status}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = rssBytes(server.pid);
  const idle: Socket[] = [];
  let refused = '';
  for (let i = 0; i < IDLE_CONNECTIONS; i++) {
    const { status, socket } = await send(port, request(port, room, { Cookie: 'c'.repeat(HEADER_KIB * 1024) }));
    if (status !== '101') {
      refused = status;
      break;
    }
    idle.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = rssBytes(server.pid);
  if (idle.length === 0) console.log(`idle connections with ${HEADER_KIB} KiB of headers: refused (${refused})`);
  else console.log(`${idle.length} idle connections with ${HEADER_KIB} KiB of headers: RSS +${mib(after - before)}, ${((after - before) / idle.length / 1024).toFixed(0)} KiB per connection`);
  for (const socket of idle) socket.destroy();
  await server.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
