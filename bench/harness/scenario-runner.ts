import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BASELINE_SERVER, type Plan, type ScenarioSpec, type ServerSpec } from '../config';
import type { Target } from '../load/wire';
import { LoadClient } from './load-client';
import { cpuTime, rssBytes } from './proc-stat';
import { summarizeServer, withRatios, type RoundResult, type ScenarioResult } from './results';
import { ServerGroup, type RunningServer } from './server-group';
import { ServerProcess } from './server-process';
import { scaleoutParameters } from './scaleout-bytes';

export interface RunContext {
  readonly plan: Plan;
  readonly buildRoot: string;
  readonly workers: number;
  /** Run servers under `--cpu-prof`, writing profiles here. */
  readonly cpuProfileDir?: string;
  readonly log: (line: string) => void;
}

const RATE_UNITS: Record<string, string> = {
  echo: 'msg/s',
  json: 'msg/s',
  fanout: 'deliveries/s',
  churn: 'cycles/s',
  idle: 'connections opened/s',
};

function targetOf(server: RunningServer): Target {
  const [baseUrl, ...more] = server.baseUrls;
  return { id: server.spec.id, baseUrl, wire: server.spec.wire, idleRoute: server.spec.idleRoute, ...(more.length ? { baseUrls: server.baseUrls } : {}) };
}

/**
 * Runs one scenario over `servers`, interleaved (A B C A B C ...), and returns medians and ratios
 * against raw uWS from this same run.
 */
export async function runScenario(spec: ScenarioSpec, servers: readonly ServerSpec[], ctx: RunContext): Promise<ScenarioResult> {
  const base = {
    id: spec.id,
    title: spec.title,
    metric: spec.metric,
    unit: spec.unit,
    per: spec.per,
    rateUnit: RATE_UNITS[spec.id] ?? '/s',
    parameters: parametersOf(spec, ctx.plan),
  };
  const rounds = new Map<string, RoundResult[]>(servers.map((s) => [s.id, []]));
  const setupFailures = new Map<string, string>();
  if (spec.id === 'idle') await runIdle(servers, ctx, rounds, setupFailures);
  else await runTraffic(spec, servers, ctx, rounds, setupFailures);
  const summaries = servers.map((s) => summarizeServer(s.id, s.label, rounds.get(s.id)!, setupFailures.get(s.id) ?? null));
  return { ...base, servers: withRatios(summaries, BASELINE_SERVER) };
}

function parametersOf(spec: ScenarioSpec, plan: Plan): Record<string, number | string> {
  const timing = { rounds: plan.rounds, warmupMs: plan.warmupMs, measureMs: plan.measureMs };
  switch (spec.id) {
    case 'echo':
    case 'json':
      return { connections: plan.echo.connections, inFlightPerConnection: plan.echo.window, ...timing };
    case 'fanout':
      return { members: plan.fanout.members, outstandingPerMember: plan.fanout.window, ...timing };
    case 'scaleout':
      return { members: plan.fanout.members, outstandingPerMember: plan.fanout.window, nodes: 2, ...timing, ...scaleoutParameters() };
    case 'churn':
      return { concurrentLanes: plan.churn.concurrency, ...timing };
    case 'idle':
      return { connections: plan.idle.connections, rounds: plan.idle.rounds, settleMs: plan.idle.settleMs };
    default:
      return {};
  }
}

async function runTraffic(
  spec: ScenarioSpec,
  servers: readonly ServerSpec[],
  ctx: RunContext,
  rounds: Map<string, RoundResult[]>,
  setupFailures: Map<string, string>,
): Promise<void> {
  const processes: RunningServer[] = [];
  // Scale-out is fan-out traffic; the members are spread over the server's nodes.
  const traffic = spec.id === 'scaleout' ? 'fanout' : (spec.id as 'echo' | 'json' | 'fanout' | 'churn');
  const load = LoadClient.create(traffic, ctx.plan, ctx.workers);
  try {
    for (const server of servers) {
      try {
        const proc = await ServerGroup.start(server, ctx.buildRoot, ctx.cpuProfileDir);
        processes.push(proc);
        await load.setup([targetOf(proc)]);
      } catch (error) {
        setupFailures.set(server.id, `setup failed: ${(error as Error).message}`);
        ctx.log(`  ${server.id}: setup failed: ${(error as Error).message}`);
      }
    }
    const ready = processes.filter((p) => !setupFailures.has(p.spec.id));
    for (let round = 1; round <= ctx.plan.rounds; round++) {
      for (const proc of ready) {
        const result = await measureTraffic(load, proc, round, ctx.plan);
        rounds.get(proc.spec.id)!.push(result);
        ctx.log(formatRound(spec, proc.spec.id, round, ctx.plan.rounds, result));
      }
    }
  } finally {
    await load.close();
    await Promise.all(processes.map((p) => p.stop()));
  }
}

/** CPU of every process of the server, summed. */
function cpuOf(server: RunningServer): { user: number; system: number } {
  return server.pids.map(cpuTime).reduce((a, b) => ({ user: a.user + b.user, system: a.system + b.system }), { user: 0, system: 0 });
}

async function measureTraffic(load: LoadClient, server: RunningServer, round: number, plan: Plan): Promise<RoundResult> {
  const target = server.spec.id;
  await load.start(target);
  await sleep(plan.warmupMs);
  const cpu0 = cpuOf(server);
  const t0 = performance.now();
  const m0 = await load.mark('markStart');
  await sleep(plan.measureMs);
  const cpu1 = cpuOf(server);
  const t1 = performance.now();
  const m1 = await load.mark('markEnd');
  const problems = await load.stopAndVerify(target);
  if (server.exited) problems.push(`server ${server.exited}`);
  const count = m1.count - m0.count;
  if (count <= 0) problems.push('nothing was delivered in the measured window');
  const user = cpu1.user - cpu0.user;
  const system = cpu1.system - cpu0.system;
  return {
    round,
    problems,
    value: (user + system) / count,
    userValue: user / count,
    rate: (count * 1000) / (t1 - t0),
    p50Micros: m1.histogram.percentile(0.5),
    p99Micros: m1.histogram.percentile(0.99),
    count,
    serverCpuMicros: user + system,
    windowMs: t1 - t0,
  };
}

/** Idle memory needs a fresh process per round: a heap that grew once would hide the next growth. */
async function runIdle(
  servers: readonly ServerSpec[],
  ctx: RunContext,
  rounds: Map<string, RoundResult[]>,
  setupFailures: Map<string, string>,
): Promise<void> {
  const { connections, settleMs } = ctx.plan.idle;
  const load = LoadClient.create('idle', ctx.plan, ctx.workers);
  try {
    for (let round = 1; round <= ctx.plan.idle.rounds; round++) {
      // Fresh processes, started together (startup is most of an idle round's time), measured one by one.
      const starting = servers.map((server) =>
        setupFailures.has(server.id) ? null : ServerProcess.start(server, ctx.buildRoot, ctx.cpuProfileDir),
      );
      for (const [i, server] of servers.entries()) {
        if (!starting[i]) continue;
        let proc: ServerProcess | null = null;
        try {
          proc = await starting[i];
          await load.setup([targetOf(proc)]);
          // Warm up the accept path (JIT, buffers) with a few sockets before the baseline reading.
          await load.open(Math.min(200, Math.ceil(connections / 10)));
          await load.teardown();
          await sleep(settleMs);
          const before = rssBytes(proc.pid);
          const opening = performance.now();
          await load.open(connections);
          const openMs = performance.now() - opening;
          await sleep(settleMs);
          const after = rssBytes(proc.pid);
          const problems = await load.stopAndVerify(server.id);
          if (proc.exited) problems.push(`server ${proc.exited}`);
          const result: RoundResult = {
            round,
            problems,
            value: (after - before) / connections / 1024,
            rate: (connections * 1000) / openMs,
            count: connections,
            rssBeforeBytes: before,
            rssAfterBytes: after,
          };
          rounds.get(server.id)!.push(result);
          ctx.log(formatRound({ id: 'idle', unit: 'KiB', per: 'connection' }, server.id, round, ctx.plan.idle.rounds, result));
        } catch (error) {
          setupFailures.set(server.id, `failed: ${(error as Error).message}`);
          ctx.log(`  ${server.id}: ${(error as Error).message}`);
        } finally {
          await load.teardown();
          await proc?.stop();
        }
      }
    }
  } finally {
    await load.close();
  }
}

function formatRound(
  spec: Pick<ScenarioSpec, 'id' | 'unit' | 'per'>,
  server: string,
  round: number,
  of: number,
  r: RoundResult,
): string {
  const latency = r.p50Micros !== undefined && Number.isFinite(r.p50Micros)
    ? `  p50 ${(r.p50Micros / 1000).toFixed(2)} ms  p99 ${(r.p99Micros! / 1000).toFixed(2)} ms`
    : '';
  const verdict = r.problems.length ? `FAILED: ${r.problems[0]}` : 'ok';
  return (
    `  ${spec.id.padEnd(7)} ${round}/${of}  ${server.padEnd(32)} ${r.value.toFixed(2).padStart(8)} ${spec.unit}/${spec.per}` +
    `  ${Math.round(r.rate).toLocaleString('en-US').padStart(9)}/s${latency}  ${verdict}`
  );
}
