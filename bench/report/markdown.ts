import type { Plan } from '../config';
import type { ScenarioResult, ServerResult, Summary } from '../harness/results';
import type { TargetCheck } from '../targets';
import { fastModeSection } from './fast-mode';
import type { MachineInfo } from './machine';
import { metricsSection } from './metrics-section';

/** Everything one run produced; written as docs/benchmarks.json and rendered to markdown. */
export interface BenchReport {
  readonly generatedAt: string;
  readonly command: string;
  readonly plan: Plan;
  readonly workers: number;
  readonly machine: MachineInfo;
  readonly scenarios: ScenarioResult[];
  readonly targets: TargetCheck[];
  readonly notes: string[];
  /** bench/findings.md: what the profiles showed and what was changed, written by hand. */
  readonly findings?: string;
}

function num(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '—';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
}

function range(summary: Summary | null, digits = 2): string {
  if (!summary) return '—';
  return `**${num(summary.median, digits)}** (${num(summary.min, digits)}–${num(summary.max, digits)})`;
}

function ms(summary: Summary | null): string {
  return summary ? `${(summary.median / 1000).toFixed(2)} ms` : '—';
}

function ratio(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)}×`;
}

function serverRow(scenario: ScenarioResult, s: ServerResult): string {
  const delivery = s.failure ? `**FAILED**: ${s.failure.replace(/\|/g, '\\|')}` : `ok (${s.rounds.length} rounds)`;
  if (scenario.id === 'idle') {
    const rss = s.rounds.find((r) => r.rssAfterBytes !== undefined);
    const rssMiB = rss ? `${(rss.rssBeforeBytes! / 2 ** 20).toFixed(0)} → ${(rss.rssAfterBytes! / 2 ** 20).toFixed(0)} MiB` : '—';
    return `| ${s.label} | ${range(s.value)} | ${ratio(s.ratio)} | ${s.rate ? num(s.rate.median) : '—'} | ${rssMiB} | ${delivery} |`;
  }
  const user = s.userValue ? num(s.userValue.median) : '—';
  return `| ${s.label} | ${range(s.value)} | ${ratio(s.ratio)} | ${user} | ${s.rate ? num(s.rate.median) : '—'} | ${ms(s.p50Micros)} | ${ms(s.p99Micros)} | ${delivery} |`;
}

function scenarioSection(scenario: ScenarioResult, index: number, everyServer: readonly string[]): string[] {
  const lines = [`### ${index}. ${scenario.title}`, ''];
  const params = Object.entries(scenario.parameters).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`Primary figure: **${scenario.metric}** (${scenario.unit} per ${scenario.per}), median (min–max). Parameters: ${params}.`, '');
  if (scenario.id === 'idle') {
    lines.push(`| Server | ${scenario.unit} per connection | × raw uWS | ${scenario.rateUnit} | RSS (first round) | Delivery |`, '|---|---|---|---|---|---|');
  } else {
    lines.push(
      `| Server | ${scenario.unit} per ${scenario.per} | × raw uWS | of which user space | ${scenario.rateUnit} | p50 latency | p99 latency | Delivery |`,
      '|---|---|---|---|---|---|---|---|',
    );
  }
  for (const server of scenario.servers) lines.push(serverRow(scenario, server));
  const absent = everyServer.filter((label) => !scenario.servers.some((s) => s.label === label));
  if (absent.length > 0) lines.push('', `Not applicable here: ${absent.join(', ')}.`);
  return [...lines, ''];
}

function find(report: BenchReport, scenario: string, server: string): ServerResult | undefined {
  return report.scenarios.find((s) => s.id === scenario)?.servers.find((s) => s.server === server);
}

function relative(a: ServerResult | undefined, b: ServerResult | undefined): string {
  if (!a?.value || !b?.value || a.failure || b.failure) return '—';
  return `${(a.value.median / b.value.median).toFixed(2)}×`;
}

function overheadSection(report: BenchReport): string[] {
  const lines = ['## Framework overheads', ''];
  const json = (id: string) => find(report, 'json', id);
  lines.push(
    '### Dispatch overhead: `@OnMessage` vs receive loop vs raw uWS (JSON echo)',
    '',
    '| Server | µs per message | × raw uWS | × loop-style ProAPI |',
    '|---|---|---|---|',
  );
  for (const id of ['uws', 'proapi-function', 'proapi-gateway', 'proapi-on-message']) {
    const s = json(id);
    if (s) lines.push(`| ${s.label} | ${range(s.value)} | ${ratio(s.ratio)} | ${relative(s, json('proapi-function'))} |`);
  }
  const jsonServers = report.scenarios.find((s) => s.id === 'json')?.servers ?? [];
  const earlier = jsonServers.filter((s) => s.server.includes('@'));
  if (earlier.length > 0) {
    lines.push(
      '',
      '### Earlier ProAPI, same run (`--compare`)',
      '',
      'ProAPI built from earlier commits, measured beside today\'s in the same interleaved rounds. "today ÷ then" below 1 means today is cheaper.',
      '',
      '| Server | echo µs/msg | × raw uWS | today ÷ then | JSON echo µs/msg | × raw uWS | today ÷ then |',
      '|---|---|---|---|---|---|---|',
    );
    for (const then of earlier) {
      const current = then.server.slice(0, then.server.indexOf('@'));
      const echo = find(report, 'echo', then.server);
      for (const s of [find(report, 'json', current), then]) {
        if (!s) continue;
        const e = find(report, 'echo', s.server);
        lines.push(
          `| ${s.label} | ${e ? range(e.value) : '—'} | ${ratio(e?.ratio ?? null)} | ${s === then && echo ? relative(find(report, 'echo', current), echo) : ''} | ` +
            `${range(s.value)} | ${ratio(s.ratio)} | ${s === then ? relative(find(report, 'json', current), then) : ''} |`,
        );
      }
    }
  }
  return [...lines, ''];
}

function targetRow(t: TargetCheck): string {
  const measured =
    t.measured === null ? '—' : t.kind === 'max-ratio' ? `${t.measured.toFixed(2)}× ${t.against}` : `${t.measured.toFixed(2)}× cheaper`;
  const limit = t.kind === 'max-ratio' ? `≤ ${t.limit}×` : `≥ ${t.limit}×`;
  const result = t.pass === null ? `not measured${t.why ? ` (${t.why})` : ''}` : t.pass ? 'met' : `**missed**${t.why ? ` (${t.why})` : ''}`;
  return `| ${t.name} | ${t.server} | ${measured} | ${limit} | ${result} |`;
}

export function renderMarkdown(report: BenchReport): string {
  const { machine, plan } = report;
  const everyServer = [...new Set(report.scenarios.flatMap((s) => s.servers.map((server) => server.label)))];
  const load = `${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end?.toFixed(2) ?? '?'} at end`;
  const lines = [
    '# ProAPI benchmarks',
    '',
    `Generated by \`${report.command}\` (${plan.mode} run) on ${report.generatedAt}.` +
      (plan.mode === 'full' ? '' : ' **Quick/smoke runs are indicative only**: short windows, fewer connections.'),
    '',
    '## Targets',
    '',
    'Medians of the primary figure, as ratios against servers measured in the same run.',
    '',
    '| Target | ProAPI server | Measured | Limit | Result |',
    '|---|---|---|---|---|',
    ...report.targets.map(targetRow),
    '',
    '![Cost relative to raw uWS](benchmarks.svg)',
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM; ${machine.os}`,
    `- Node ${machine.node}; ${Object.entries(machine.packages).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- Code: ${machine.git}`,
    `- 1-minute load average: ${load} (other work on the machine adds noise; the interleaved rounds and same-run ratios are what keep the comparison fair)`,
    '',
    '## How it is measured',
    '',
    '- Every server is its own Node process on 127.0.0.1 with the same routes and semantics (`bench/servers/`); ' +
      'ProAPI function-style is `samples/bench-server.ts`.',
    `- Load comes from ${report.workers} worker thread(s) of the harness using \`ws\` clients. On a small machine the client competes with the server for CPU, ` +
      'so the primary figure is **server CPU time per message**: utime+stime of the server process from `/proc/<pid>/stat` over the measured window ' +
      'divided by what was delivered in it. Throughput and latency are shown beside it; they are bounded by the client.',
    '- Idle memory is the growth of the server\'s RSS from before to after opening the connections, in a fresh process per round.',
    `- Each scenario runs ${plan.rounds} rounds (idle: ${plan.idle.rounds}) with the servers interleaved (A B C … A B C …), after ${plan.warmupMs} ms of warm-up traffic per round.`,
    '- Every run checks delivery: every message arrives, exactly once, in order, on the frame kind it was sent with. A run that loses anything is reported as FAILED, not as fast.',
    '- Ratios are against raw uWebSockets.js measured in the same run.',
    '',
    '## Scenarios',
    '',
    ...report.scenarios.flatMap((s, i) => scenarioSection(s, i + 1, everyServer)),
    ...overheadSection(report),
    ...metricsSection(report.scenarios),
    ...fastModeSection(report.scenarios),
  ];
  if (report.findings) lines.push(report.findings.trim(), '');
  if (report.notes.length) lines.push('## Notes', '', ...report.notes.map((n) => `- ${n}`), '');
  lines.push(
    '## Reproduce',
    '',
    '```sh',
    'npm run bench              # full run (10-15 minutes on 2 cores), writes docs/benchmarks.{md,json,svg}',
    'npm run bench -- --quick   # about a minute, smaller sizes',
    'npm run bench -- --scenarios echo,fanout --servers uws,proapi-function --rounds 5',
    'npm run bench -- --compare before=main~5   # ProAPI as of another commit, in the same run',
    'npm run bench -- --rerender                 # rewrite the .md and .svg from the .json',
    '```',
    '',
  );
  return lines.join('\n');
}
