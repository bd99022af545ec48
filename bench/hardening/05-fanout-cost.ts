/**
 * Defect 5: what watching for slow receivers costs on the fan-out bench. Runs the
 * suite's fan-out scenario (one room, one publisher, 64-byte text) over raw uWS, ProAPI as built
 * here, and ProAPI as of each git ref given, interleaved in one run, and prints server CPU per
 * delivery (median of the rounds) and the ratio to raw uWS.
 *
 *   npx ts-node --transpile-only bench/hardening/05-fanout-cost.ts [--quick] [ref ...]
 *
 * Default refs: 435edc6 (main just before the guard) and 007c6ac (the code the hardening issue
 * measured). Builds bench/ first (tsc -p bench/tsconfig.json), since the suite runs compiled code.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..');
const buildRoot = path.join(repoRoot, 'bench', '.build');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const refs = args.filter((a) => !a.startsWith('--'));

execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', path.join(repoRoot, 'bench', 'tsconfig.json')], { stdio: 'inherit' });
/* eslint-disable @typescript-eslint/no-require-imports -- the suite's compiled harness */
const config = require(path.join(buildRoot, 'bench', 'config.js')) as typeof import('../config');
const { runScenario } = require(path.join(buildRoot, 'bench', 'harness', 'scenario-runner.js')) as typeof import('../harness/scenario-runner');
const { buildRef } = require(path.join(buildRoot, 'bench', 'harness', 'compare-build.js')) as typeof import('../harness/compare-build');
/* eslint-enable @typescript-eslint/no-require-imports */

async function main(): Promise<void> {
  const plan = config.PLANS[quick ? 'quick' : 'full'];
  const byId = (id: string): import('../config').ServerSpec => config.SERVERS.find((s) => s.id === id)!;
  const servers = [byId('uws'), byId('proapi-function')];
  for (const ref of refs.length > 0 ? refs : ['435edc6', '007c6ac']) {
    const { root, sha } = buildRef(ref, repoRoot, buildRoot);
    servers.push({ ...byId('proapi-function'), id: `proapi-function@${sha}`, label: `ProAPI @ ${sha}`, buildRoot: root });
  }
  const scenario = config.SCENARIOS.find((s) => s.id === 'fanout')!;
  const result = await runScenario(scenario, servers, { plan, buildRoot, workers: 1, log: (line) => console.log(line) });
  console.log(`\n${scenario.title}: ${plan.fanout.members} members, ${plan.rounds} rounds (${plan.mode})`);
  for (const server of result.servers) {
    const value = server.value ? `${server.value.median.toFixed(3)} µs/delivery (min ${server.value.min.toFixed(3)}, max ${server.value.max.toFixed(3)})` : `failed: ${server.failure}`;
    const ratio = server.ratio === null ? "" : `  ${server.ratio.toFixed(2)}× raw uWS`;
    console.log(`  ${server.label.padEnd(28)} ${value}${ratio}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
