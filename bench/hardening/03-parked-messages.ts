/**
 * Defect 3: unfinished fragmented messages parked on the server. The echo sample runs
 * in its own process; 200 raw clients each send the first fragments of a text message, never the
 * last one, and answer the server's pings. Reported: the server's RSS before and after, per
 * connection, and how many connections the server still holds after `--hold` seconds.
 *
 *   npx ts-node --transpile-only bench/hardening/03-parked-messages.ts [--root <checkout>] [--kib 2032] [--hold 20] [--connections 200]
 *
 * --kib is what each client parks. The default, 2032 KiB, is just under the old bound (2 MiB);
 * the new bound is maxPayloadLength + 64 KiB = 1088 KiB, so `--kib 1080` shows the new worst case.
 */
import { clientFrame, openRaw } from './raw-client';
import { mib, rootFromArgs, rssBytes, startSample } from './sample-process';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const PARKED = arg('--kib', 2032) * 1024;
const HOLD_SECONDS = arg('--hold', 20);
const CONNECTIONS = arg('--connections', 200);
const FRAGMENT = 64 * 1024;

async function main(): Promise<void> {
  const root = rootFromArgs();
  const server = await startSample(root, 'echo');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = rssBytes(server.pid);
  const sockets = [];
  let open = 0;
  for (let i = 0; i < CONNECTIONS; i++) {
    const socket = await openRaw(server.port, '/ws');
    open++;
    socket.once('close', () => open--);
    for (let sent = 0; sent < PARKED; sent += FRAGMENT) {
      const size = Math.min(FRAGMENT, PARKED - sent);
      socket.write(clientFrame(sent === 0 ? 0x1 : 0x0, Buffer.alloc(size, 0x61), false));
    }
    sockets.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = rssBytes(server.pid);
  const openAfterSend = open;
  await new Promise((resolve) => setTimeout(resolve, HOLD_SECONDS * 1000));
  console.log(`server: ${root}`);
  console.log(`${CONNECTIONS} connections each parking ${(PARKED / 1024).toFixed(0)} KiB of an unfinished message`);
  console.log(`RSS before ${mib(before)}, after ${mib(after)}: +${mib(after - before)}, ${((after - before) / CONNECTIONS / 1024).toFixed(0)} KiB per connection`);
  console.log(`connections the server still held: ${openAfterSend} right after, ${open} after ${HOLD_SECONDS} s more (pings answered)`);
  console.log(`server log lines "protocol error": ${server.output().split('\n').filter((l) => l.includes('protocol error')).length}`);
  for (const socket of sockets) socket.destroy();
  await server.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
