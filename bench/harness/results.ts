import type { ScenarioId } from '../config';

/** One measurement of one server in one round. */
export interface RoundResult {
  readonly round: number;
  /** Delivery problems (loss, duplicates, reordering, crashes); empty when the run is good. */
  readonly problems: string[];
  /** The scenario's primary figure: server CPU µs per message/delivery/cycle, or RSS KiB per connection. */
  readonly value: number;
  /** The user-space part of `value` (the rest is kernel time, mostly the loopback TCP stack). */
  readonly userValue?: number;
  /** Messages, deliveries, cycles or connections per second. */
  readonly rate: number;
  readonly p50Micros?: number;
  readonly p99Micros?: number;
  /** What was counted in the measured window. */
  readonly count: number;
  readonly serverCpuMicros?: number;
  readonly windowMs?: number;
  readonly rssBeforeBytes?: number;
  readonly rssAfterBytes?: number;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ServerResult {
  readonly server: string;
  readonly label: string;
  readonly rounds: RoundResult[];
  /** Why the server's result does not count (a failed round, a failed setup), or null. */
  readonly failure: string | null;
  readonly value: Summary | null;
  readonly userValue: Summary | null;
  readonly rate: Summary | null;
  readonly p50Micros: Summary | null;
  readonly p99Micros: Summary | null;
  /** value median / raw uWS value median, same run. */
  readonly ratio: number | null;
}

export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  readonly metric: string;
  readonly unit: string;
  readonly per: string;
  readonly rateUnit: string;
  readonly parameters: Record<string, number | string>;
  readonly servers: ServerResult[];
}

export function summarize(values: readonly number[]): Summary | null {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const mid = finite.length >> 1;
  const median = finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  return { median, min: finite[0], max: finite[finite.length - 1] };
}

/** Folds a server's rounds into medians; any round with problems fails the server for this scenario. */
export function summarizeServer(server: string, label: string, rounds: RoundResult[], setupFailure: string | null): Omit<ServerResult, 'ratio'> {
  const failedRounds = rounds.filter((r) => r.problems.length > 0);
  const failure =
    setupFailure ??
    (failedRounds.length > 0
      ? `${failedRounds.length}/${rounds.length} rounds failed delivery checks: ${failedRounds[0].problems[0]}`
      : rounds.length === 0
        ? 'no rounds ran'
        : null);
  const good = rounds.filter((r) => r.problems.length === 0);
  return {
    server,
    label,
    rounds,
    failure,
    value: summarize(good.map((r) => r.value)),
    userValue: summarize(good.map((r) => r.userValue ?? NaN)),
    rate: summarize(good.map((r) => r.rate)),
    p50Micros: summarize(good.map((r) => r.p50Micros ?? NaN)),
    p99Micros: summarize(good.map((r) => r.p99Micros ?? NaN)),
  };
}

/** Adds each server's ratio against the baseline server measured in the same run. */
export function withRatios(servers: Omit<ServerResult, 'ratio'>[], baseline: string): ServerResult[] {
  const base = servers.find((s) => s.server === baseline);
  const baseValue = base && !base.failure ? base.value?.median : undefined;
  return servers.map((s) => ({
    ...s,
    ratio: baseValue && !s.failure && s.value ? s.value.median / baseValue : null,
  }));
}
