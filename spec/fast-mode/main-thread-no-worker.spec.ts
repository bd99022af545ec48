import { createClient } from 'redis';
import { createTestClient } from '../../testing';
import { FastMember } from './fast-member';
import { BOOT_TIMEOUT_MS, startFixture } from './fast-process';

const url = process.env.PROAPI_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `spec-fast-no-worker-${process.pid}-${Date.now()}`;

afterAll(async () => {
  const redis = createClient({ url });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) if (keys.length > 0) await redis.del(keys);
  await redis.quit();
});

describe('fast mode with Redis: a main-thread broadcast while no worker serves', () => {
  it('is counted in notForwarded and logged, once a worker serves again', async () => {
    const app = await startFixture({ WORKERS: '1', BROKER: 'redis', BROKER_URL: url, BROKER_PREFIX: prefix });
    const client = await createTestClient(app.url, { timeout: 10_000 });
    try {
      const member = await FastMember.connect(client);
      await member.crashWorker();
      await member.conn.expectClose();
      // The main thread knows its only worker is gone; the new one is some time away (200 ms, then booting).
      await app.waitFor(/worker \d+ stopped unexpectedly; its connections are lost; restarting it in 200 ms/, 'the crash to be noticed');
      process.kill(app.child.pid!, 'SIGUSR2');
      await app.waitFor(/main thread: /, 'the main thread job');
      // pino writes asynchronously: the warning may come after the job's own line.
      await app.waitFor(/"msg":"fast mode: app.broadcast\*\(\) in the main thread while no worker serves: not forwarded/, 'the warning');

      await app.waitFor(/worker \d+ restarted and accepting connections/, 'the worker to be restarted', BOOT_TIMEOUT_MS);
      expect((await app.stats()).notForwarded).toBe(1);
      await app.waitFor(/"msg":"fast mode: a worker serves again; 1 main-thread broadcasts were dropped meanwhile"/, 'the end of the episode');
    } finally {
      await client.close();
      await app.stop();
    }
  }, BOOT_TIMEOUT_MS);
});
