/**
 * Defect 6: what clients get when the server shuts down (SIGINT), with the echo sample
 * in its own process.
 * - busy: 200 clients each keep 50 messages of 4 KiB in flight (a new one per echo); then SIGINT.
 *   Reported: the close codes they see.
 * - slow: one client stops reading, sends 100 messages of 64 KiB (more than the kernel buffers
 *   hold, so the echo handler waits for drain and the rest queue), then SIGINT, then it reads
 *   again. Reported: how many echoes it got and how it was closed.
 *
 *   npx ts-node --transpile-only bench/hardening/06-shutdown.ts [--root <checkout>]
 */
import WebSocket from 'ws';
import { rootFromArgs, startSample } from './sample-process';

function open(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  ws.on('error', () => undefined);
  return new Promise((resolve) => ws.once('open', () => resolve(ws)));
}

const closed = (ws: WebSocket): Promise<number> => new Promise((resolve) => ws.once('close', (code) => resolve(code)));

async function busy(root: string): Promise<string> {
  const server = await startSample(root, 'echo');
  const clients: WebSocket[] = [];
  for (let i = 0; i < 200; i++) clients.push(await open(server.port));
  const payload = 'x'.repeat(4096);
  for (const ws of clients) {
    ws.on('message', () => ws.readyState === WebSocket.OPEN && ws.send(payload));
    for (let i = 0; i < 50; i++) ws.send(payload);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const codes = Promise.all(clients.map(closed));
  server.child.kill('SIGINT');
  const counts: Record<number, number> = {};
  for (const code of await codes) counts[code] = (counts[code] ?? 0) + 1;
  await server.exited;
  return `200 busy clients, SIGINT: close codes ${JSON.stringify(counts)}`;
}

async function slow(root: string): Promise<string> {
  const server = await startSample(root, 'echo');
  const ws = await open(server.port);
  const socket = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  let echoes = 0;
  ws.on('message', () => echoes++);
  const code = closed(ws);
  socket.pause();
  for (let i = 0; i < 100; i++) ws.send(String(i).padEnd(64 * 1024, '.'));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  server.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.resume();
  const how = await code;
  await server.exited;
  return `slow reader with 100 pending echoes of 64 KiB, SIGINT: got ${echoes} echoes, then ${how}`;
}

async function main(): Promise<void> {
  const root = rootFromArgs();
  console.log(`server: ${root}`);
  console.log(await busy(root));
  console.log(await slow(root));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
