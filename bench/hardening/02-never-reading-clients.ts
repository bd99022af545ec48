/**
 * Defect 2: clients that send but never read. The echo sample runs in its own process;
 * 4 clients stop reading, then each sends up to 1000 x 1 MiB (paced so that the client itself
 * buffers at most 4 MiB). The echo handler waits for drain, so what arrives queues on the server.
 * Reported: the server's RSS before and at its peak, how many messages each client got out, the
 * server's queue-overflow log lines, and the close codes the clients see once they read again.
 *
 *   npx ts-node --transpile-only bench/hardening/02-never-reading-clients.ts [--root <checkout>] [--cap-mib 3072]
 *
 * The old code queues everything (about 1 GiB per client): the run stops once the server has grown
 * by --cap-mib, to spare the machine.
 */
import WebSocket from 'ws';
import { MiB, mib, rootFromArgs, rssBytes, startSample } from './sample-process';

const CLIENTS = 4;
const MESSAGES = 1000;
const capAt = process.argv.indexOf('--cap-mib');
const CAP_BYTES = (capAt >= 0 ? Number(process.argv[capAt + 1]) : 3072) * MiB;

async function main(): Promise<void> {
  const root = rootFromArgs();
  const server = await startSample(root, 'echo');
  const before = rssBytes(server.pid);
  let peak = before;
  let capped = false;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes(server.pid));
    if (peak - before > CAP_BYTES) capped = true;
  }, 50);
  const message = 'x'.repeat(MiB);
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
      ws.on('error', () => undefined);
      return new Promise<WebSocket>((resolve) => ws.once('open', () => resolve(ws)));
    }),
  );
  const closes = clients.map((ws) => new Promise<string>((resolve) => ws.once('close', (code, reason) => resolve(`${code} ${reason.toString()}`))));
  for (const ws of clients) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const started = Date.now();
  const sent = await Promise.all(
    clients.map(async (ws) => {
      let count = 0;
      while (count < MESSAGES && ws.readyState === WebSocket.OPEN && !capped && Date.now() - started < 120_000) {
        if (ws.bufferedAmount > 4 * MiB) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        ws.send(message);
        count++;
      }
      return count;
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes(server.pid));
  for (const ws of clients) (ws as unknown as { _socket: { resume(): void } })._socket.resume();
  const codes = await Promise.all(closes.map((close) => Promise.race([close, new Promise<string>((r) => setTimeout(() => r('still open after 10 s'), 10_000))])));
  const overflows = server.output().split('\n').filter((line) => line.includes('queue overflow')).length;
  console.log(`server: ${root}`);
  console.log(`RSS before ${mib(before)}, peak ${mib(peak)}: grew by ${mib(peak - before)}${capped ? ` (stopped at the ${mib(CAP_BYTES)} cap)` : ''}`);
  console.log(`messages each client got out: ${sent.join(', ')} (of ${MESSAGES})`);
  console.log(`server log lines "queue overflow": ${overflows}`);
  console.log(`close seen by each client: ${codes.join(' | ')}`);
  for (const ws of clients) ws.terminate();
  await server.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
