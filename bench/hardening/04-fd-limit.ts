/**
 * Defect 4: the server at its open-file limit. The echo sample runs under
 * `ulimit -n 256`; clients connect one at a time until one is refused or hangs (2 s). Then the
 * server's CPU use is measured over 3 s while one more client waits, and a plain HTTP GET is tried.
 *
 *   npx ts-node --transpile-only bench/hardening/04-fd-limit.ts [--root <checkout>] [--limit 256]
 */
import { get } from 'node:http';
import WebSocket from 'ws';
import { cpuTime, rootFromArgs, startSample } from './sample-process';

const at = process.argv.indexOf('--limit');
const LIMIT = at >= 0 ? Number(process.argv[at + 1]) : 256;

function connect(port: number): Promise<{ ws: WebSocket | null; outcome: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const timer = setTimeout(() => done(null, 'no answer in 2 s'), 2000);
    const done = (open: WebSocket | null, outcome: string): void => {
      clearTimeout(timer);
      if (!open) ws.terminate();
      resolve({ ws: open, outcome, ms: Date.now() - started });
    };
    ws.once('open', () => done(ws, 'open'));
    ws.once('unexpected-response', (_req, res) => done(null, `HTTP ${res.statusCode}`));
    ws.once('error', (error) => done(null, `error ${error.message}`));
  });
}

function httpStatus(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/ws', agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('no answer in 2 s');
    });
    req.on('error', (error) => resolve(`error ${error.message}`));
  });
}

async function main(): Promise<void> {
  const root = rootFromArgs();
  const server = await startSample(root, 'echo', { fileLimit: LIMIT });
  const open: WebSocket[] = [];
  let last = { outcome: '', ms: 0 };
  for (;;) {
    const attempt = await connect(server.port);
    if (attempt.ws === null) {
      last = attempt;
      break;
    }
    open.push(attempt.ws);
  }
  const waiting = connect(server.port);
  const cpuBefore = cpuTime(server.pid);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const cpuAfter = cpuTime(server.pid);
  const busy = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 3e6;
  const http = await httpStatus(server.port);
  console.log(`server: ${root}, ulimit -n ${LIMIT}`);
  console.log(`connections accepted: ${open.length}; the next one: ${last.outcome} after ${last.ms} ms`);
  console.log(`server CPU while one more client waited, over 3 s: ${(busy * 100).toFixed(0)} % of a core; that client: ${(await waiting).outcome}`);
  console.log(`plain HTTP GET at the limit: ${http}`);
  for (const ws of open) ws.terminate();
  await server.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
