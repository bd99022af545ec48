import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface SmokeReport {
  scenarios: { id: string; servers: { server: string; failure: string | null; value: { median: number } | null }[] }[];
}

/** Runs `npm run bench -- --smoke` (tiny sizes, one round) so the benchmark harness cannot rot unnoticed. */
describe('benchmark harness (smoke)', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'proapi-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario against raw uWS and ProAPI and writes the report', async () => {
    const { code, output } = await runBench(['--smoke', '--servers', 'uws,proapi-function,proapi-redis', '--out', out]);
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });

    const report = JSON.parse(readFileSync(path.join(out, 'benchmarks.json'), 'utf8')) as SmokeReport;
    expect(report.scenarios.map((s) => s.id)).toEqual(['echo', 'json', 'fanout', 'idle', 'churn', 'scaleout']);
    // Scale-out compares ProAPI over 2 nodes with ProAPI on one: raw uWS has no part in it.
    for (const scenario of report.scenarios.filter((s) => s.id !== 'scaleout')) {
      const uws = scenario.servers.find((s) => s.server === 'uws');
      expect({ scenario: scenario.id, failure: uws?.failure }).toEqual({ scenario: scenario.id, failure: null });
      expect(uws?.value?.median).toBeGreaterThan(0);
    }
    const echo = report.scenarios.find((s) => s.id === 'echo')!.servers.find((s) => s.server === 'proapi-function');
    expect(echo?.failure).toBeNull();
    // Scale-out: the room split over 2 node processes through the shared Redis delivers everything.
    const scaleout = report.scenarios.find((s) => s.id === 'scaleout')!.servers.find((s) => s.server === 'proapi-redis');
    expect(scaleout?.failure).toBeNull();
    expect(scaleout?.value?.median).toBeGreaterThan(0);

    const markdown = readFileSync(path.join(out, 'benchmarks.md'), 'utf8');
    expect(markdown).toContain('| raw uWS |');
    expect(markdown).toContain('![Cost relative to raw uWS](benchmarks.svg)');
    expect(readFileSync(path.join(out, 'benchmarks.svg'), 'utf8')).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  }, 120_000);
});

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: path.join(__dirname, '..') });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}
