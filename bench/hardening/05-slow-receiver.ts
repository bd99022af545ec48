/**
 * Defect 5: a room member that stops reading. The bench sample (samples/bench-server.ts,
 * whose /room/:name broadcasts each message to the room) runs in its own process; a publisher
 * sends 20,000 numbered 1 KiB messages, paced by a fast member that reads them all, while a third
 * member reads nothing. Then the slow member reads again. Reported: what it got (how many, any gap
 * in the numbers), how its connection ended, and the server's "too slow" log lines.
 *
 *   npx ts-node --transpile-only bench/hardening/05-slow-receiver.ts [--root <checkout>]
 */
import WebSocket from 'ws';
import { rootFromArgs, startSample } from './sample-process';

const MESSAGES = 20_000;
const WINDOW = 64;

function join(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/room/feed`);
  ws.on('error', () => undefined);
  return new Promise((resolve) => ws.once('open', () => resolve(ws)));
}

async function main(): Promise<void> {
  const root = rootFromArgs();
  const server = await startSample(root, 'bench-server');
  const [publisher, fast, slow] = [await join(server.port), await join(server.port), await join(server.port)];
  const slowGot: number[] = [];
  slow.on('message', (data: Buffer) => slowGot.push(data.readUInt32BE(0)));
  const slowClosed = new Promise<string>((resolve) => slow.once('close', (code, reason) => resolve(`${code} "${reason.toString()}"`)));
  (slow as unknown as { _socket: { pause(): void } })._socket.pause();

  let received = 0;
  let sent = 0;
  const message = Buffer.alloc(1024);
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (sent < MESSAGES && sent - received < WINDOW) {
        message.writeUInt32BE(sent++);
        publisher.send(message);
      }
    };
    fast.on('message', () => {
      if (++received === MESSAGES) resolve();
      else pump();
    });
    pump();
  });
  (slow as unknown as { _socket: { resume(): void } })._socket.resume();
  const ended = await Promise.race([slowClosed, new Promise<string>((r) => setTimeout(() => r('still open 5 s after it read again'), 5000))]);
  let gaps = 0;
  for (let i = 1; i < slowGot.length; i++) if (slowGot[i] !== slowGot[i - 1] + 1) gaps++;
  const last = slowGot.length > 0 ? slowGot[slowGot.length - 1] : -1;
  console.log(`server: ${root}`);
  console.log(`fast member: ${received} of ${MESSAGES}`);
  console.log(`slow member: ${slowGot.length} of ${MESSAGES}, numbers 0..${last}, ${gaps} gap(s); its connection: ${ended}`);
  console.log(`server log lines "too slow": ${server.output().split('\n').filter((l) => l.includes('too slow')).length}`);
  for (const ws of [publisher, fast, slow]) ws.terminate();
  await server.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
