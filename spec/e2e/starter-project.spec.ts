import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestClient } from '../../testing';
import { withTimeout } from '../helpers/async';
import { freePort } from '../helpers/process';

/**
 * What a new user does, as the README says, from a clone of ProAPI (which is not on npm yet):
 * `npx proapi new <dir>` in the clone, then `npm install`, `npm test`, `npm start`, `proapi g
 * gateway`, `npm test` in the new project. The CLI packs the clone into the project's vendor/;
 * everything else installs from the npm cache CI has filled.
 */
const repo = path.resolve(__dirname, '../..');
const MINUTE = 60_000;
// Without JEST_WORKER_ID the project's own jest does not think it is one of our workers.
const { JEST_WORKER_ID: _worker, ...childEnv } = process.env;

interface Result {
  code: number | null;
  output: string;
}

/** Runs a command to completion; `output` is stdout and stderr interleaved, for failure messages. */
function run(command: string, args: readonly string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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

  let created: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'proapi-e2e-'));
    project = path.join(work, 'my-chat');
    // `npx proapi` runs the clone's dist/lib/cli/main.js: build it from the current sources first.
    await mustSucceed('npm', ['run', 'build'], repo);
    created = await mustSucceed('npx', ['proapi', 'new', project], repo);
    await mustSucceed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
  }, 5 * MINUTE);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('depends on a tarball of the clone in vendor/, and says so', () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.proapi).toBe(`file:vendor/proapi-${version}.tgz`);
    expect(existsSync(path.join(project, `vendor/proapi-${version}.tgz`))).toBe(true);
    expect(created).toContain(`ProAPI is not on the npm registry yet, so the project installs it from vendor/proapi-${version}.tgz`);
  });

  it('installs proapi from the tarball, with its uWebSockets.js alias resolved to a native build', async () => {
    // Resolved the way proapi resolves it, wherever npm placed it.
    const script = `
      const { createRequire } = require('node:module');
      const fromProapi = createRequire(require.resolve('proapi/package.json'));
      const { name, version } = fromProapi('uWebSockets.js/package.json');
      const native = typeof fromProapi('uWebSockets.js').getParts === 'function'; // only the native build has it
      process.stdout.write(JSON.stringify({ name, version, native }));`;
    expect(JSON.parse(await mustSucceed('node', ['-e', script], project))).toEqual({
      name: '@trufflesuite/uws-js-unofficial',
      version: '20.30.0-unofficial.0',
      native: true,
    });
  });

  it('ships its license, source maps with their sources, and types for moduleResolution node', async () => {
    const installed = path.join(project, 'node_modules/proapi');
    expect(existsSync(path.join(installed, 'LICENSE'))).toBe(true);
    const map = JSON.parse(readFileSync(path.join(installed, 'dist/lib/app.js.map'), 'utf8')) as { sourcesContent?: string[] };
    expect(map.sourcesContent?.[0]).toContain('export class ProAPI');
    // Every map carries every source it names (the .ts files themselves are not shipped).
    const maps = listFiles(path.join(installed, 'dist')).filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(10);
    const withoutSources = maps.filter((file) => {
      const { sources, sourcesContent } = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return sourcesContent?.length !== sources.length || sourcesContent.some((content) => !content);
    });
    expect(withoutSources).toEqual([]);
    // Subpath imports under the older resolution read "typesVersions", as "exports" is invisible to it.
    const check = path.join(project, 'resolution-check/node10.ts'); // outside the project's tsconfig
    mkdirSync(path.dirname(check));
    writeFileSync(
      check,
      "import { ProAPI } from 'proapi';\nimport { createTestClient } from 'proapi/testing';\n" +
        "import { WebSocketMiddleware } from 'proapi/middleware';\nexport const used = [ProAPI, createTestClient, WebSocketMiddleware];\n",
    );
    try {
      const tsc = path.join(project, 'node_modules/.bin/tsc');
      const options = ['--noEmit', '--strict', '--skipLibCheck', '--types', 'node', '--moduleResolution', 'node', '--module', 'commonjs'];
      await mustSucceed(tsc, [...options, check], project);
    } finally {
      rmSync(path.dirname(check), { recursive: true });
    }
  }, MINUTE);

  it('passes its own npm test', async () => {
    const output = await mustSucceed('npm', ['test'], project);
    expect(output).toMatch(/Tests: +\d+ passed, \d+ total/);
    expect(output).not.toMatch(/failed/);
  }, 2 * MINUTE);

  it('lists its routes through the installed proapi binary', async () => {
    const output = await mustSucceed(proapiBin(), ['routes'], project);
    expect(output).toMatch(/^PATH +GATEWAY +HANDLER/m);
    expect(output).toMatch(/^\/chat\/:room +ChatGateway +join \(@OnConnect\), chat \(@OnMessage chat\), members \(@OnMessage members\), leave \(@OnDisconnect\) +RequireUsernameMiddleware$/m);
  }, MINUTE);

  it('serves with `npm start` on PORT, and shuts down cleanly on Ctrl+C', async () => {
    const port = await freePort();
    // detached: its own process group, which gets the SIGINT as a terminal's Ctrl+C would send it.
    const child = spawn('npm', ['start'], { cwd: project, env: { ...childEnv, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`listening on ws://127.0.0.1:${port}`)) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before listening:\n${output}`)));
    });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
    try {
      await withTimeout(listening, MINUTE, `"listening on ws://127.0.0.1:${port}" from npm start`);
      const client = await createTestClient(`ws://127.0.0.1:${port}`);
      const socket = await client.connect('/chat/lobby?username=ann');
      socket.sendJson({ type: 'chat', text: 'hello' });
      expect(await socket.receiveJson()).toEqual({ type: 'chat', username: 'ann', text: 'hello' });

      process.kill(-child.pid!, 'SIGINT');
      expect(await socket.expectClose()).toEqual({ code: 1001, reason: 'server shutting down' });
      // The app exits 0; npm's `sh -c` then re-raises the SIGINT it got too, as shells do.
      expect(['0', '130', 'SIGINT']).toContain(await withTimeout(exited, 10_000, 'npm start to exit after SIGINT'));
      expect(output).not.toMatch(/error/i);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 2 * MINUTE);

  it('serves in fast mode (two worker threads) from TypeScript and from compiled JS', async () => {
    // What a user writes to use every core: the generated app, run with { fast: true }.
    const entry = path.join(project, 'fast.ts');
    writeFileSync(entry, "import { createApp } from './app';\n\ncreateApp().run({ fast: true, workers: 2 }).catch((error: unknown) => {\n  console.error(error);\n  process.exit(1);\n});\n");
    try {
      await mustSucceed(path.join(project, 'node_modules/.bin/tsc'), [], project);
      for (const [command, args] of [
        [path.join(project, 'node_modules/.bin/ts-node'), ['--transpile-only', 'fast.ts']],
        [process.execPath, ['dist/fast.js']],
      ] as const) {
        await servesInFastMode(command, args);
      }
    } finally {
      rmSync(entry);
      rmSync(path.join(project, 'dist'), { recursive: true, force: true });
    }
  }, 4 * MINUTE);

  async function servesInFastMode(command: string, args: readonly string[]): Promise<void> {
    const port = await freePort();
    const child = spawn(command, args, { cwd: project, env: { ...childEnv, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`listening on ws://127.0.0.1:${port}`)) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening:\n${output}`)));
    });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
    try {
      await withTimeout(listening, 2 * MINUTE, `"listening on" from ${args.join(' ')}`);
      const client = await createTestClient(`ws://127.0.0.1:${port}`, { timeout: 10_000 });
      const first = await client.connect('/chat/lobby?username=u1');
      const sockets = [first];
      for (let i = 2; i <= 10; i++) {
        sockets.push(await client.connect(`/chat/lobby?username=u${i}`));
        // Counted over both workers: the connections are spread over them by the kernel.
        expect(await first.receiveJson()).toEqual({ type: 'system', message: `u${i} joined lobby`, members: i });
      }
      sockets[9].sendJson({ type: 'chat', text: 'hello from the last' });
      for (const socket of sockets) {
        let message: { type: string };
        do message = await socket.receiveJson<{ type: string }>();
        while (message.type === 'system');
        expect(message).toEqual({ type: 'chat', username: 'u10', text: 'hello from the last' });
      }
      process.kill(-child.pid!, 'SIGTERM');
      for (const socket of sockets) expect((await socket.expectClose()).code).toBe(1001);
      expect(await withTimeout(exited, 10_000, `${args.join(' ')} to exit after SIGTERM`)).toBe('0');
      expect(output).not.toMatch(/error/i);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }

  it('as an installed copy, writes a registry dependency (^version) for the next project', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    await mustSucceed(proapiBin(), ['new', path.join(work, 'second')], work);
    const pkg = JSON.parse(readFileSync(path.join(work, 'second/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.proapi).toBe(`^${version}`);
  });

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

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}
