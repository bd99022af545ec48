/**
 * What Prometheus metrics add to each message, measured in-process where the machine's load
 * matters least: the instrumentation hooks a message runs through (`messageIn` and `messageOut`;
 * an `@OnMessage` handler adds two clock reads and `handlerDuration`), through the same Probe the
 * server uses. Run: `tsc -p bench/tsconfig.json && node bench/.build/bench/metrics-hooks.js`.
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../index';
import { Probe } from '../lib/instrumentation/probe';
import { PrometheusMetrics } from '../lib/metrics/prometheus-metrics';
import { StatsCounters } from '../lib/instrumentation/stats';

const ROUNDS = 9;
const CALLS = 2_000_000;

/** The fastest of several rounds, in ns per call: the least disturbed by other work on the machine. */
function nsPerCall(run: (i: number) => void): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) run(i);
    best = Math.min(best, ((performance.now() - started) * 1e6) / CALLS);
  }
  return best;
}

const counters = new StatsCounters();
const metrics = new PrometheusMetrics({}, async () => counters.snapshot(0));
const on = new Probe([metrics.recorder], silentLogger);
const off = new Probe([], silentLogger);
const route = '/json';

function echo(probe: Probe, i: number): void {
  if (probe.messageIn !== null) probe.messageIn(route, 64 + (i & 7));
  if (probe.messageOut !== null) probe.messageOut(route, 64 + (i & 7));
}

function onMessage(probe: Probe, i: number): void {
  echo(probe, i);
  // As the dispatcher times a handler: a clock read before and after, only while a hook wants it.
  const timed = probe.handlerDuration;
  const started = timed === null ? 0 : performance.now();
  if (timed !== null) timed(route, 'json', performance.now() - started);
}

const results = {
  'echo, metrics off (hooks unset)': nsPerCall((i) => echo(off, i)),
  'echo, metrics on': nsPerCall((i) => echo(on, i)),
  '@OnMessage, metrics off': nsPerCall((i) => onMessage(off, i)),
  '@OnMessage, metrics on': nsPerCall((i) => onMessage(on, i)),
};
for (const [name, ns] of Object.entries(results)) console.log(`${name.padEnd(34)} ${ns.toFixed(1).padStart(7)} ns per message`);
