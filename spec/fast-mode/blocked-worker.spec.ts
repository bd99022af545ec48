import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestClient, type TestClient } from '../../testing';
import { byWorker, membersOnEveryWorker } from './fast-member';
import { BOOT_TIMEOUT_MS, startFixture, type FastApp } from './fast-process';

/** The fixture's `run({ workerTimeoutMs })`: short, so the spec does not wait long for the blocked worker. */
const WORKER_TIMEOUT_MS = 300;
/** Past the 16 MiB a worker keeps for a peer that does not acknowledge. */
const FLOOD = { count: 20, size: 1024 * 1024 };

const occurrences = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

describe('fast mode: a worker whose event loop is blocked', () => {
  let app: FastApp;
  let client: TestClient;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proapi-blocked-'));
  const release = path.join(dir, 'release');

  beforeAll(async () => {
    // The blocked worker's member gets up to 16 MiB at once when it runs again: more than the default 4 MiB a socket may buffer.
    const env = { WORKERS: '2', WORKER_TIMEOUT_MS: String(WORKER_TIMEOUT_MS), MAX_BACKPRESSURE: String(32 * 1024 * 1024) };
    app = await startFixture(env);
    client = await createTestClient(app.url, { timeout: 10_000 });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    writeFileSync(release, '');
    await client?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds up no join or query, bounds what the others keep for it, and is counted back in once it runs again', async () => {
    const [[awake], [blocked]] = [...byWorker(await membersOnEveryWorker(client, 2, 1)).values()];
    await blocked.join('flood');
    await blocked.blockWorker(release);

    // A join needs the blocked worker's subscription: it resolves once that has timed out.
    await awake.join('fresh');
    // Queries answer with what the awake worker knows: the blocked worker's member is left out.
    expect(await awake.size('flood')).toBe(0);
    const partial = await awake.stats();
    expect(partial.partial).toBe(true);
    expect(partial.workers).toHaveLength(1);
    // The main thread's queries do not hang either (it asks the awake worker if the blocked one is silent).
    process.kill(app.child.pid!, 'SIGUSR2');
    const main = JSON.parse((await app.waitFor(/main thread: (.*)/, 'the main thread to answer its queries', 10_000))[1]) as {
      stats: { partial?: boolean };
    };
    expect(main.stats.partial).toBe(true);

    // 20 MiB for a worker that acknowledges nothing: what is past the bound is dropped and counted.
    await awake.flood('flood', FLOOD.count, FLOOD.size);
    const dropped = (await awake.stats()).notForwarded;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(FLOOD.count);

    writeFileSync(release, '');
    // Everything that was not dropped arrives.
    await blocked.received(FLOOD.count - dropped);
    // Once it runs again, it had noted the join it did not answer: its broadcasts reach the joiner.
    awake.drain();
    await blocked.join('fresh');
    await blocked.publish('fresh', 'broadcast', 'awake again');
    expect(await awake.received(1)).toEqual([{ kind: 'text', text: 'awake again' }]);
    expect(await awake.size('flood')).toBe(1);
    const whole = await awake.stats();
    expect(whole.partial).toBeUndefined();
    expect(whole.workers).toHaveLength(2);
    expect(whole.notForwarded).toBe(dropped);
    expect(blocked.inbox).toHaveLength(FLOOD.count - dropped);

    // Each episode is logged once, however many questions and messages it held up (pino writes asynchronously: awaited).
    await app.waitFor(new RegExp(`"msg":"fast mode: worker \\d+ caught up; ${dropped} room messages to it were dropped meanwhile"`), 'the end of the episode');
    await app.waitFor(/"msg":"fast mode: worker \d+ answers again"/, 'the worker to be heard from');
    expect(occurrences(app.output, /"msg":"fast mode: worker \d+ did not answer within 300 ms/)).toBe(1);
    expect(occurrences(app.output, /"msg":"fast mode: worker \d+ is not keeping up/)).toBe(1);
  });
});
