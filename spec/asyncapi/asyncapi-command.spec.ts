import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { proapi } from '../client/cli-run';

const ENTRY = path.join(__dirname, '../client/fixtures/calculator.app.ts');

describe('proapi asyncapi', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'proapi-asyncapi-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it("prints the app's document, titled and versioned from the project's package.json", async () => {
    writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'calculator', version: '3.1.4' }));
    const run = await proapi(work, 'asyncapi', '--entry', ENTRY);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const document = JSON.parse(run.stdout) as { info: unknown; channels: Record<string, { address: string }> };
    expect(document.info).toEqual({ title: 'calculator', version: '3.1.4' });
    expect(document.channels.calc.address).toBe('/calc');
    const { diagnostics } = await new Parser().parse(run.stdout);
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
  });

  it('writes it to --out, with --title and --api-version', async () => {
    const run = await proapi(work, 'asyncapi', '--entry', ENTRY, '--out', 'docs/asyncapi.json', '--title', 'Calc', '--api-version', '2.0.0');
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'wrote the AsyncAPI document to docs/asyncapi.json\n' });
    const document = JSON.parse(readFileSync(path.join(work, 'docs/asyncapi.json'), 'utf8')) as { asyncapi: string; info: unknown };
    expect(document).toMatchObject({ asyncapi: '3.0.0', info: { title: 'Calc', version: '2.0.0' } });
  });
});
