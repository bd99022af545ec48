/**
 * Defect 1: how long one many-keys message stalls everyone else, and how big its error
 * reply is. A server (chat sample, or a gateway with a nested @Type() DTO) runs in its own process;
 * client B sends a message and awaits its echo, again and again, while client A sends one
 * message of about 1 MiB made of tens of thousands of keys. Reported: B's worst round trip
 * during A's message minus B's median round trip before it (the stall), A's reply size, and
 * whether A was closed.
 *
 *   npx ts-node --transpile-only bench/hardening/01-message-stall.ts [chat|nested] [shape]
 *
 * Shapes: `top` (unknown keys next to the valid fields), `nested` (unknown keys inside the nested
 * object; for the nested server), `control` (as long, one long string instead of keys: the floor
 * that sending, receiving and decoding 1 MiB costs), `at-limit` (nested server: the costliest message
 * the default limits accept, a free-form object field with as many keys as maxJsonValues allows,
 * which class-transformer copies with a cost that grows with the square of the keys).
 * Default: every shape that applies to each server. Each runs `TRIALS` times (env, default 3).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const TARGET_BYTES = 1024 * 1024 - 64;

interface Scenario {
  server: 'chat' | 'nested';
  shape: 'top' | 'nested' | 'control' | 'at-limit';
}

/** The server's limit on values, for the `at-limit` shape; the old code has none. */
const MAX_VALUES = 4096;

/** Keys `a0`, `a1`, ... `"aN":0` until `budget` characters. */
function manyKeys(budget: number): { text: string; keys: number } {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; ; i++) {
    const part = `"${i.toString(36)}":0`;
    if (length + part.length + 1 > budget) break;
    parts.push(part);
    length += part.length + 1;
  }
  return { text: parts.join(','), keys: parts.length };
}

function bigMessage({ server, shape }: Scenario): { text: string; keys: number } {
  if (shape === 'control') {
    // As long, but one long string: the floor (sending, receiving and decoding 1 MiB).
    const head = server === 'chat' ? '{"type":"message","content":"' : '{"type":"post","author":{"name":"ann"},"text":"';
    return { text: `${head}${'x'.repeat(TARGET_BYTES - head.length - 2)}"}`, keys: 0 };
  }
  if (shape === 'at-limit') {
    const head = '{"type":"post","text":"hi","author":{"name":"ann"},"meta":{';
    const keys = MAX_VALUES - 5; // the top object has four members, the author one
    const text = Array.from({ length: keys }, (_, i) => `"${i.toString(36)}":0`).join(',');
    return { text: `${head}${text}}}`, keys };
  }
  if (server === 'chat') {
    const head = '{"type":"message","content":"hi",';
    const { text, keys } = manyKeys(TARGET_BYTES - head.length - 1);
    return { text: `${head}${text}}`, keys };
  }
  if (shape === 'top') {
    const head = '{"type":"post","text":"hi","author":{"name":"ann"},';
    const { text, keys } = manyKeys(TARGET_BYTES - head.length - 1);
    return { text: `${head}${text}}`, keys };
  }
  const head = '{"type":"post","text":"hi","author":{"name":"ann",';
  const { text, keys } = manyKeys(TARGET_BYTES - head.length - 2);
  return { text: `${head}${text}}}`, keys };
}

function startServer(kind: string): Promise<{ port: number; stop(): void }> {
  const child = fork(path.join(__dirname, 'stall-server.ts'), [kind], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\d+)/.exec(out);
      if (match) resolve({ port: Number(match[1]), stop: () => child.kill('SIGKILL') });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function open(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** B: sends, awaits its own echo, repeats until stopped; records each round trip. */
class Prober {
  readonly rtts: number[] = [];
  private stopped = false;
  private sentAt = 0;
  private finished: () => void = () => undefined;
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    private readonly socket: WebSocket,
    private readonly probe: string,
    private readonly isEcho: (data: string) => boolean,
  ) {
    const onMessage = (data: Buffer): void => {
      if (!this.isEcho(data.toString())) return;
      this.rtts.push(performance.now() - this.sentAt);
      if (!this.stopped) return this.send();
      socket.off('message', onMessage);
      this.finished();
    };
    socket.on('message', onMessage);
  }

  start(): void {
    this.send();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private send(): void {
    this.sentAt = performance.now();
    this.socket.send(this.probe);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

interface Trial {
  replyBytes: number;
  reply: string;
  answeredMs: number;
  baselineRttMs: number;
  stallMs: number;
}

async function run(scenario: Scenario, trials: number): Promise<void> {
  const server = await startServer(scenario.server);
  try {
    const route = scenario.server === 'chat' ? '/chat/stall?username=' : '/nested?u=';
    const a = await open(`ws://127.0.0.1:${server.port}${route}a`);
    const b = await open(`ws://127.0.0.1:${server.port}${route}b`);
    const probe = scenario.server === 'chat' ? JSON.stringify({ type: 'message', content: 'ping' }) : JSON.stringify({ type: 'echo', text: 'ping' });
    const isEcho =
      scenario.server === 'chat'
        ? (data: string) => data.includes('"content":"ping"') && data.includes('"username":"b"')
        : (data: string) => data.includes('"text":"ping"');
    const { text, keys } = bigMessage(scenario);
    const results: Trial[] = [];
    for (let i = 0; i < trials; i++) results.push(await trial(a, new Prober(b, probe, isEcho), text));
    const stalls = results.map((r) => r.stallMs).sort((x, y) => x - y);
    console.log(
      JSON.stringify({
        server: scenario.server,
        shape: scenario.shape,
        messageBytes: Buffer.byteLength(text),
        keys,
        reply: results[0].reply,
        replyBytes: Math.max(...results.map((r) => r.replyBytes)),
        medianStallMs: stalls[Math.floor(stalls.length / 2)],
        maxStallMs: stalls[stalls.length - 1],
        trials: results,
      }),
    );
    a.terminate();
    b.terminate();
  } finally {
    server.stop();
  }
}

/** One big message from A while B probes: B's worst round trip during it, minus B's median before it. */
async function trial(a: WebSocket, prober: Prober, text: string): Promise<Trial> {
  prober.start();
  while (prober.rtts.length < 300) await new Promise((r) => setImmediate(r));
  const baseline = median(prober.rtts.slice(100));
  const before = prober.rtts.length;
  const reply = new Promise<{ bytes: number; error: string }>((resolve) => {
    const onMessage = (data: Buffer): void => {
      const s = data.toString();
      if (!s.startsWith('{"type":"error"') && !s.startsWith('{"type":"post"')) return;
      a.off('message', onMessage);
      resolve({ bytes: data.length, error: (JSON.parse(s) as { error?: string }).error ?? 'accepted' });
    };
    a.on('message', onMessage);
  });
  const closed = new Promise<number>((resolve) => a.once('close', (code) => resolve(code)));
  const started = performance.now();
  a.send(text);
  const answer = await Promise.race([reply, closed.then((code) => ({ bytes: 0, error: `closed ${code}` }))]);
  const answeredMs = performance.now() - started;
  // A few more probes after the reply, so a stall that ends after it is seen too.
  const after = prober.rtts.length;
  while (prober.rtts.length < after + 50) await new Promise((r) => setImmediate(r));
  await prober.stop();
  const worst = Math.max(...prober.rtts.slice(before));
  return {
    replyBytes: answer.bytes,
    reply: answer.error,
    answeredMs: Math.round(answeredMs),
    baselineRttMs: Number(baseline.toFixed(3)),
    stallMs: Number((worst - baseline).toFixed(1)),
  };
}

async function main(): Promise<void> {
  const [server, shape] = process.argv.slice(2);
  const all: Scenario[] = [
    { server: 'chat', shape: 'control' },
    { server: 'nested', shape: 'control' },
    { server: 'chat', shape: 'top' },
    { server: 'nested', shape: 'top' },
    { server: 'nested', shape: 'nested' },
    { server: 'nested', shape: 'at-limit' },
  ];
  const chosen = all.filter((s) => (!server || s.server === server) && (!shape || s.shape === shape));
  const trials = Number(process.env.TRIALS ?? 3);
  for (const scenario of chosen) await run(scenario, trials);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
