import { spawn, type ChildProcess } from 'node:child_process';
import { createTestClient, UpgradeRefusedError, type TestClient, type TestConnection } from '../../testing';
import { withTimeout } from '../helpers/async';
import { httpGet } from '../helpers/http';
import { projectRoot } from '../helpers/process';

const FILE_LIMIT = 256;

/**
 * Starts a fixture server under `ulimit -n FILE_LIMIT`; resolves with its port and, when it says,
 * its default maxConnections.
 */
async function startLimitedServer(
  fixture = 'fd-limited-server.ts',
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; port: number; maxConnections: number }> {
  const child = spawn(
    '/bin/sh',
    ['-c', `ulimit -n ${FILE_LIMIT} && exec "$0" -r ts-node/register/transpile-only spec/hardening/fixtures/${fixture}`, process.execPath],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const ready = new Promise<{ port: number; maxConnections: number }>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /listening (\d+) (\d+)/.exec(output) ?? /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve({ port: Number(match[1]), maxConnections: Number(match[2] ?? NaN) });
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return { child, ...(await withTimeout(ready, 30_000, 'the fd-limited server to listen')) };
}

/**
 * Defect 4: with the open-file limit below maxConnections (default 100,000), uWS ran out of
 * descriptors: it spun one core retrying accept(), new clients hung, and no 503 was sent. The
 * default is now derived from the limit, keeping a reserve, so the server refuses in time.
 */
/** Opens connections 16 at a time until one is refused; a client past the descriptor limit would hang (connect() times out). */
async function fillUntilRefused(client: TestClient): Promise<{ open: TestConnection[]; refused: unknown }> {
  const open: TestConnection[] = [];
  let refused: unknown = null;
  while (refused === null && open.length < 2 * FILE_LIMIT) {
    const opened = await Promise.allSettled(Array.from({ length: 16 }, () => client.connect('/hold')));
    for (const outcome of opened) {
      if (outcome.status === 'fulfilled') open.push(outcome.value);
      else if (outcome.reason instanceof UpgradeRefusedError) refused = outcome.reason;
      else throw outcome.reason;
    }
  }
  return { open, refused };
}

describe('hardening 4: at the open-file limit the server still answers', () => {
  let server: Awaited<ReturnType<typeof startLimitedServer>>;
  let client: TestClient;

  beforeAll(async () => {
    server = await startLimitedServer();
    client = await createTestClient(`ws://127.0.0.1:${server.port}`, { timeout: 5000 });
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    if (server?.child.exitCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
  });

  it(`under ulimit -n ${FILE_LIMIT}, maxConnections defaults below it and one more client gets a prompt 503`, async () => {
    const { open, refused } = await fillUntilRefused(client);
    expect(refused).toBeInstanceOf(UpgradeRefusedError);
    expect((refused as UpgradeRefusedError).status).toBe(503);
    expect((refused as UpgradeRefusedError).body).toMatch(/too many connections/);
    expect(open).toHaveLength(server.maxConnections);
    expect(server.maxConnections).toBe(FILE_LIMIT - 64);

    // Still responsive: plain HTTP is answered, and a freed slot is taken again.
    expect((await httpGet(`http://127.0.0.1:${server.port}/ping`)).body).toBe('pong');
    await open.pop()!.close();
    open.push(await client.connect('/hold'));
    await Promise.all(open.map((conn) => conn.close()));
  }, 60_000);
});

describe('hardening 4, fast mode: the workers share the process\'s open-file limit', () => {
  it(`under ulimit -n ${FILE_LIMIT}, two workers together stay below it and one more client gets a prompt 503`, async () => {
    const server = await startLimitedServer('fd-limited-fast-server.ts', { ...process.env, WORKERS: '2', PORT: '0' });
    const client = await createTestClient(`ws://127.0.0.1:${server.port}`, { timeout: 5000 });
    try {
      const { open, refused } = await fillUntilRefused(client);
      expect(refused).toMatchObject({ status: 503 });
      // Each worker's default is its share of what the limit leaves: (256 - 64) / 2.
      expect(open.length).toBeLessThanOrEqual(FILE_LIMIT - 64);
      expect(open.length).toBeGreaterThanOrEqual((FILE_LIMIT - 64) / 2);
      expect((await httpGet(`http://127.0.0.1:${server.port}/ping`)).body).toBe('pong');
      await Promise.all(open.map((conn) => conn.close()));
    } finally {
      await client.close();
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
