/**
 * `node bench/.build/bench/fast-mode/with-broker.js [--quick] [--rounds <n>]` (after a bench build,
 * `npx tsc -p bench/tsconfig.json`): fast mode with a Redis broker, where every worker is a node of
 * the broker's cluster with its own Redis connection. The scale-out fan-out (one room, one
 * publisher, 1,000 members split over 2 processes, 64-byte text, 16 outstanding per member), with:
 *   1 process             the same room in one process (reference)
 *   2 processes x 1       two plain nodes through Redis
 *   2 processes x 2       two fast-mode processes with 2 workers each: 4 nodes through Redis
 *   1 process x 2         fast mode without a broker: 2 workers through the worker broker
 * Server CPU per delivery is every server process's, all threads, summed; Redis's CPU per delivery
 * is reported beside it, per broadcast (it takes each envelope once and sends it once per other
 * subscribed node; its CPU clock ticks every 10 ms, so short rounds read 0). Rounds are interleaved.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { PLANS, type Plan, type ServerSpec } from '../config';
import { LoadClient } from '../harness/load-client';
import { cpuTime } from '../harness/proc-stat';
import { ServerGroup, type RunningServer } from '../harness/server-group';
import type { Target } from '../load/wire';

const REDIS_URL = process.env.PROAPI_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisBroker = { BROKER: 'redis', BROKER_URL: REDIS_URL };
const base = { wire: 'plain', scenarios: ['scaleout'], isProAPI: true, idleRoute: 'echo' } as const;
const SERVERS: readonly ServerSpec[] = [
  { ...base, id: 'one-process', label: '1 process', script: 'proapi-function' },
  { ...base, id: 'redis-2x1', label: '2 processes x 1, Redis', script: 'proapi-cluster', nodes: 2, env: redisBroker },
  { ...base, id: 'redis-2x2', label: '2 processes x 2 workers, Redis', script: 'proapi-cluster', nodes: 2, env: { ...redisBroker, WORKERS: '2' } },
  { ...base, id: 'fast-1x2', label: '1 process x 2 workers, worker broker', script: 'proapi-fast', env: { WORKERS: '2' } },
];

interface Round {
  readonly serverMicros: number;
  readonly userMicros: number;
  readonly redisMicros: number;
  readonly deliveries: number;
  readonly perSecond: number;
  readonly problems: string[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const base = PLANS[args.includes('--quick') ? 'quick' : 'full'];
  const roundsAt = args.indexOf('--rounds');
  const plan: Plan = roundsAt >= 0 ? { ...base, rounds: Number(args[roundsAt + 1]) } : base;
  const redisPid = await redisProcessId();
  const buildRoot = __dirname.replace(/[/\\]bench[/\\]fast-mode$/, '');
  const load = LoadClient.create('fanout', plan, 1);
  const servers: RunningServer[] = [];
  const rounds = new Map<string, Round[]>(SERVERS.map((s) => [s.id, []]));
  try {
    for (const spec of SERVERS) {
      const server = await ServerGroup.start(spec, buildRoot);
      servers.push(server);
      await load.setup([targetOf(server)]);
    }
    for (let round = 1; round <= plan.rounds; round++) {
      for (const server of servers) {
        const result = await measure(load, server, redisPid, plan);
        rounds.get(server.spec.id)!.push(result);
        const problems = result.problems.length ? `  PROBLEMS: ${result.problems.join('; ')}` : '';
        console.log(`round ${round}/${plan.rounds} ${server.spec.id}: ${perDelivery(result).toFixed(2)} µs/delivery${problems}`);
      }
    }
  } finally {
    await load.close();
    await Promise.all(servers.map((s) => s.stop()));
    await deleteBenchKeys();
  }
  report(plan, rounds);
}

function targetOf(server: RunningServer): Target {
  const [baseUrl, ...more] = server.baseUrls;
  return { id: server.spec.id, baseUrl, wire: 'plain', idleRoute: 'echo', ...(more.length ? { baseUrls: server.baseUrls } : {}) };
}

async function measure(load: LoadClient, server: RunningServer, redisPid: number, plan: Plan): Promise<Round> {
  const cpu = (): { all: number; user: number; redis: number } => {
    const times = server.pids.map(cpuTime);
    const redis = cpuTime(redisPid);
    return { all: times.reduce((t, c) => t + c.user + c.system, 0), user: times.reduce((t, c) => t + c.user, 0), redis: redis.user + redis.system };
  };
  await load.start(server.spec.id);
  await sleep(plan.warmupMs);
  const before = cpu();
  const t0 = performance.now();
  const m0 = await load.mark('markStart');
  await sleep(plan.measureMs);
  const after = cpu();
  const t1 = performance.now();
  const m1 = await load.mark('markEnd');
  const problems = await load.stopAndVerify(server.spec.id);
  if (server.exited) problems.push(`server ${server.exited}`);
  const deliveries = m1.count - m0.count;
  return {
    serverMicros: after.all - before.all,
    userMicros: after.user - before.user,
    redisMicros: after.redis - before.redis,
    deliveries,
    perSecond: (deliveries * 1000) / (t1 - t0),
    problems,
  };
}

const perDelivery = (r: Round): number => r.serverMicros / r.deliveries;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(plan: Plan, rounds: Map<string, Round[]>): void {
  const medianOf = (id: string, pick: (r: Round) => number): number => median(rounds.get(id)!.map(pick));
  const reference = medianOf('redis-2x1', perDelivery);
  console.log(`\n${plan.rounds} rounds of ${plan.measureMs} ms, ${plan.fanout.members} members, window ${plan.fanout.window}; medians (min–max)\n`);
  console.log('| | server µs CPU per delivery | user space | Redis µs per broadcast | deliveries/s | vs 2 × 1 | problems |');
  console.log('|---|---|---|---|---|---|---|');
  for (const spec of SERVERS) {
    const all = rounds.get(spec.id)!;
    const values = all.map(perDelivery);
    const range = `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
    const problems = all.flatMap((r) => r.problems).length;
    console.log(
      `| ${spec.label} | ${range} | ${medianOf(spec.id, (r) => r.userMicros / r.deliveries).toFixed(2)} | ` +
        `${medianOf(spec.id, (r) => r.redisMicros / (r.deliveries / plan.fanout.members)).toFixed(1)} | ${Math.round(medianOf(spec.id, (r) => r.perSecond))} | ` +
        `${(median(values) / reference).toFixed(2)}× | ${problems} |`,
    );
  }
}

async function redisProcessId(): Promise<number> {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  const info = await redis.info('server');
  await redis.quit();
  const match = /process_id:(\d+)/.exec(info);
  if (!match) throw new Error('Redis INFO gave no process_id');
  return Number(match[1]);
}

/** The nodes were killed, so their presence keys would wait for their TTL: remove this run's now. */
async function deleteBenchKeys(): Promise<void> {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `bench-${process.pid}-*`, COUNT: 100 })) if (keys.length > 0) await redis.del(keys);
  await redis.quit();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
