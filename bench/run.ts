/**
 * `npm run bench [-- --quick]`: runs every scenario against every reference server, interleaved,
 * and writes docs/benchmarks.md, docs/benchmarks.json and docs/benchmarks.svg.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { PLANS, SCENARIOS, SERVERS, type Plan, type ScenarioSpec, type ServerSpec } from './config';
import { buildRef } from './harness/compare-build';
import { openFileLimit } from './harness/proc-stat';
import { runScenario, type RunContext } from './harness/scenario-runner';
import type { ScenarioResult } from './harness/results';
import { describeMachine } from './report/machine';
import { renderMarkdown, type BenchReport } from './report/markdown';
import { renderChart } from './report/svg-chart';
import { checkTargets } from './targets';

const buildRoot = path.join(__dirname, '..');
const repoRoot = path.join(buildRoot, '..', '..');

interface CliOptions {
  quick?: boolean;
  smoke?: boolean;
  rounds?: string;
  scenarios?: string;
  servers?: string;
  workers: string;
  out: string;
  cpuProf?: string;
  compare: string[];
  compareServers: string;
  rerender?: boolean;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function list(value: string | undefined): string[] | undefined {
  return value ? value.split(',').map((v) => v.trim()).filter(Boolean) : undefined;
}

function parseOptions(): CliOptions {
  return new Command()
    .name('npm run bench --')
    .option('--quick', 'about a minute: short windows, 1,000 idle connections')
    .option('--smoke', 'a few seconds: tiny sizes, one round (used by spec/bench-smoke.spec.ts)')
    .option('--rounds <n>', 'rounds per scenario (default 5 full, 3 quick)')
    .option('--scenarios <list>', `comma-separated subset of ${SCENARIOS.map((s) => s.id).join(',')}`)
    .option('--servers <list>', `comma-separated subset of ${SERVERS.map((s) => s.id).join(',')}`)
    .option('--workers <n>', 'load-generator worker threads', '1')
    .option('--out <dir>', 'where benchmarks.{md,json,svg} go', path.join(repoRoot, 'docs'))
    .option('--cpu-prof <dir>', 'run the servers under node --cpu-prof and write their profiles to <dir>')
    .option(
      '--compare <[name=]git-ref>',
      'also measure ProAPI as of <git-ref>, in the same run, in echo and JSON echo (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--compare-servers <list>', 'the ProAPI servers --compare builds from <git-ref>', 'proapi-function')
    .option('--rerender', 'measure nothing: rewrite benchmarks.md and .svg from <out>/benchmarks.json (e.g. after editing bench/findings.md)')
    .parse(process.argv)
    .opts<CliOptions>();
}

function choosePlan(options: CliOptions, notes: string[]): Plan {
  let plan: Plan = PLANS[options.smoke ? 'smoke' : options.quick ? 'quick' : 'full'];
  if (options.rounds) plan = { ...plan, rounds: Number(options.rounds), idle: { ...plan.idle, rounds: Number(options.rounds) } };
  const fileLimit = openFileLimit();
  if (plan.idle.connections + 500 > fileLimit) {
    const reduced = Math.max(100, fileLimit - 500);
    notes.push(
      `Idle scenario reduced from ${plan.idle.connections} to ${reduced} connections: ` +
        `the open-file limit is ${fileLimit} (raise \`ulimit -n\`).`,
    );
    plan = { ...plan, idle: { ...plan.idle, connections: reduced } };
  }
  return plan;
}

function chooseScenarios(options: CliOptions): ScenarioSpec[] {
  const wanted = list(options.scenarios);
  const unknown = (wanted ?? []).filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scenario: ${unknown.join(', ')} (see --help)`);
  return SCENARIOS.filter((s) => !wanted || wanted.includes(s.id));
}

/** The selected servers, plus ProAPI as of each `--compare` ref (echo and JSON echo only). */
function chooseServers(options: CliOptions, notes: string[]): ServerSpec[] {
  const wanted = list(options.servers);
  const unknown = (wanted ?? []).filter((id) => !SERVERS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown server: ${unknown.join(', ')} (see --help)`);
  const selected = SERVERS.filter((s) => !wanted || wanted.includes(s.id));
  const compared = SERVERS.filter((s) => s.isProAPI && list(options.compareServers)?.includes(s.id));
  for (const compare of options.compare) {
    const [name, ref] = compare.includes('=') ? compare.split('=', 2) : [compare, compare];
    const { root, sha } = buildRef(ref, repoRoot, buildRoot);
    for (const server of compared) {
      const scenarios = server.scenarios.filter((id) => id === 'echo' || id === 'json');
      selected.push({ ...server, id: `${server.id}@${name}`, label: `${server.label} @ ${name}`, scenarios, buildRoot: root });
    }
    notes.push(`Servers marked "@ ${name}" run ProAPI as of git \`${ref}\` (${sha}), built by \`--compare\` and measured in the same run.`);
  }
  return selected.filter((s) => {
    const built = existsSync(path.join(s.buildRoot ?? buildRoot, 'bench', 'servers', `${s.script}.server.js`));
    if (!built) notes.push(`${s.label} was not measured: bench/servers/${s.script}.server.ts is missing.`);
    return built;
  });
}

async function runAll(scenarios: readonly ScenarioSpec[], servers: readonly ServerSpec[], ctx: RunContext, notes: string[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const participants = servers.filter((s) => s.scenarios.includes(scenario.id));
    console.log(`\n${scenario.title} — ${scenario.metric} (${scenario.unit} per ${scenario.per})`);
    const started = Date.now();
    const result = await runScenario(scenario, participants, ctx);
    console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    // An earlier commit may simply not have what a server uses (e.g. @OnMessage before it existed).
    const unbuildable = result.servers.filter((s) => s.server.includes('@') && s.failure?.startsWith('setup failed'));
    for (const s of unbuildable) notes.push(`${s.label} could not start (${s.failure?.split('\n')[0]}); left out of ${scenario.id}.`);
    results.push({ ...result, servers: result.servers.filter((s) => !unbuildable.includes(s)) });
  }
  return results;
}

function writeReport(report: BenchReport, out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(out, 'benchmarks.svg'), renderChart(report.scenarios));
  writeFileSync(path.join(out, 'benchmarks.md'), renderMarkdown(report));
  console.log('\nTargets:');
  for (const t of report.targets) {
    const verdict = t.pass === null ? 'not measured' : t.pass ? 'met' : 'MISSED';
    console.log(`  ${verdict.padEnd(12)} ${t.name} [${t.server}]: ${t.measured?.toFixed(2) ?? '—'} (limit ${t.limit})`);
  }
  console.log(`\nwrote ${path.join(out, 'benchmarks.md')} (+ .json, .svg)`);
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (options.rerender) {
    const previous = JSON.parse(readFileSync(path.join(options.out, 'benchmarks.json'), 'utf8')) as BenchReport;
    writeReport({ ...previous, findings: readIfExists(path.join(repoRoot, 'bench', 'findings.md')) }, options.out);
    return;
  }
  const notes: string[] = [];
  const plan = choosePlan(options, notes);
  const scenarios = chooseScenarios(options);
  const servers = chooseServers(options, notes);
  const cpuProfileDir = options.cpuProf ? path.resolve(options.cpuProf) : undefined;
  if (cpuProfileDir) {
    notes.push(`Servers ran under \`--cpu-prof\` (profiles in ${cpuProfileDir}): the profiler adds CPU, so these figures are not comparable to unprofiled runs.`);
  }
  const machine = describeMachine(repoRoot);
  const workers = Number(options.workers);
  console.log(`ProAPI bench (${plan.mode}): ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage.start.toFixed(2)}`);
  const results = await runAll(scenarios, servers, { plan, buildRoot, workers, cpuProfileDir, log: (line) => console.log(line) }, notes);
  writeReport(
    {
      generatedAt: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      plan,
      workers,
      machine: { ...machine, loadAverage: { ...machine.loadAverage, end: os.loadavg()[0] } },
      scenarios: results,
      targets: checkTargets(results),
      notes,
      findings: readIfExists(path.join(repoRoot, 'bench', 'findings.md')),
    },
    options.out,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
