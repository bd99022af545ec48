import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * What a new user does: `proapi new`, `npm install`, `npm test`, `proapi g gateway`, `npm test`,
 * against ProAPI as npm would ship it (`npm pack`), installed from the npm cache CI has filled.
 */
const repo = path.resolve(__dirname, '../..');
const MINUTE = 60_000;

interface Result {
  code: number | null;
  output: string;
}

/** Runs a command to completion; `output` is stdout and stderr interleaved, for failure messages. */
function run(command: string, args: readonly string[], cwd: string): Promise<Result> {
  // Without JEST_WORKER_ID the project's own jest does not think it is one of our workers.
  const { JEST_WORKER_ID: _worker, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function mustSucceed(command: string, args: readonly string[], cwd: string): Promise<string> {
  const { code, output } = await run(command, args, cwd);
  if (code !== 0) throw new Error(`\`${command} ${args.join(' ')}\` in ${cwd} exited with ${code}:\n${output}`);
  return output;
}

describe('a project made by `proapi new`', () => {
  let work: string;
  let project: string;
  const proapiBin = (): string => path.join(project, 'node_modules/.bin/proapi');

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'proapi-e2e-'));
    project = path.join(work, 'my-chat');
    // `npm pack` runs the `prepare` script, which builds dist/ (and so the CLI used below).
    await mustSucceed('npm', ['pack', '--pack-destination', work], repo);
    const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    const tarball = path.join(work, `proapi-${version}.tgz`);
    await mustSucceed('node', [path.join(repo, 'dist/lib/cli/main.js'), 'new', 'my-chat', '--proapi', `file:${tarball}`], work);
    await mustSucceed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
  }, 5 * MINUTE);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs proapi from the tarball, with its uWebSockets.js alias resolved to a native build', async () => {
    // Resolved the way proapi resolves it, wherever npm placed it.
    const script = `
      const { createRequire } = require('node:module');
      const fromProapi = createRequire(require.resolve('proapi/package.json'));
      const { name, version } = fromProapi('uWebSockets.js/package.json');
      const native = require('proapi').isNativeUws(fromProapi('uWebSockets.js'));
      process.stdout.write(JSON.stringify({ name, version, native }));`;
    expect(JSON.parse(await mustSucceed('node', ['-e', script], project))).toEqual({
      name: '@trufflesuite/uws-js-unofficial',
      version: '20.30.0-unofficial.0',
      native: true,
    });
  });

  it('passes its own npm test', async () => {
    const output = await mustSucceed('npm', ['test'], project);
    expect(output).toMatch(/Tests: +\d+ passed, \d+ total/);
    expect(output).not.toMatch(/failed/);
  }, 2 * MINUTE);

  it('lists its routes through the installed proapi binary', async () => {
    const output = await mustSucceed(proapiBin(), ['routes'], project);
    expect(output).toMatch(/^PATH +GATEWAY +HANDLER/m);
    expect(output).toMatch(/^\/chat\/:room +ChatGateway +join \(@OnConnect\), chat \(@OnMessage chat\), leave \(@OnDisconnect\) +RequireUsernameMiddleware$/m);
  }, MINUTE);

  it('gains a gateway with `proapi g gateway presence` whose spec passes', async () => {
    const generated = await mustSucceed(proapiBin(), ['g', 'gateway', 'presence'], project);
    expect(generated).toContain('created gateways/presence.gateway.ts');
    expect(generated).toContain('created spec/presence.gateway.spec.ts');
    const output = await mustSucceed('npm', ['test'], project);
    expect(output).toContain('PASS spec/presence.gateway.spec.ts');
    expect(output).toContain('PASS spec/chat.gateway.spec.ts');
    expect(await mustSucceed(proapiBin(), ['routes'], project)).toMatch(/^\/presence +PresenceGateway +connect \(@OnConnect\), ping \(@OnMessage ping\) +-$/m);
  }, 2 * MINUTE);
});
