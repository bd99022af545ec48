import type { ScenarioResult, ServerResult } from '../harness/results';

/** The pairs the metrics section compares: a server with Prometheus metrics on, and the same server without. */
const PAIRS: readonly { readonly scenario: string; readonly on: string; readonly off: string; readonly what: string }[] = [
  { scenario: 'echo', on: 'proapi-function-metrics', off: 'proapi-function', what: 'Echo, function + loop' },
  { scenario: 'json', on: 'proapi-function-metrics', off: 'proapi-function', what: 'JSON echo, function + loop' },
  { scenario: 'json', on: 'proapi-on-message-metrics', off: 'proapi-on-message', what: 'JSON echo, `@OnMessage` + DTO (handler durations timed)' },
];

/**
 * "## Metrics": server CPU per message with `new ProAPI({ metrics: true })` against the same server
 * without, as the ratio of medians and as the median of the per-round ratios (the servers run
 * interleaved, so a round's pair shares the machine's load of that moment).
 */
export function metricsSection(scenarios: readonly ScenarioResult[]): string[] {
  const rows: string[] = [];
  for (const pair of PAIRS) {
    const servers = scenarios.find((s) => s.id === pair.scenario)?.servers ?? [];
    const on = servers.find((s) => s.server === pair.on);
    const off = servers.find((s) => s.server === pair.off);
    if (!measured(on) || !measured(off)) continue;
    const paired = median(
      on.rounds.flatMap((round) => {
        const partner = off.rounds.find((r) => r.round === round.round);
        return partner && partner.value > 0 ? [round.value / partner.value] : [];
      }),
    );
    rows.push(
      `| ${pair.what} | ${off.value.median.toFixed(2)} | ${on.value.median.toFixed(2)} | ${(on.value.median / off.value.median).toFixed(3)}× | ${paired === null ? '—' : `${paired.toFixed(3)}×`} |`,
    );
  }
  if (rows.length === 0) return [];
  return [
    '## Metrics',
    '',
    'Server CPU µs per message with Prometheus metrics on (`new ProAPI({ metrics: { path: \'/metrics\' } })`, nothing scraping) and off, same run. ' +
      'Target: on ≤ 1.05× off. "Paired" is the median of the per-round ratios. ' +
      'Off registers no hook at all; ProAPI before metrics existed is measured with `--compare` (the "Earlier ProAPI" table).',
    '',
    '| Scenario | off µs/msg | on µs/msg | on ÷ off (medians) | on ÷ off (paired) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

function measured(s: ServerResult | undefined): s is ServerResult & { value: NonNullable<ServerResult['value']> } {
  return s !== undefined && s.failure === null && s.value !== null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
