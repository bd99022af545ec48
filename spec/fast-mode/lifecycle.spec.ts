import { createTestClient, type TestClient } from '../../testing';
import { withTimeout } from '../helpers/async';
import { byWorker, FastMember, membersOnEveryWorker } from './fast-member';
import { BOOT_TIMEOUT_MS, startFixture, type FastApp } from './fast-process';

describe('fast mode: a worker that crashes', () => {
  let app: FastApp;
  let client: TestClient;

  beforeAll(async () => {
    app = await startFixture({ WORKERS: '2' });
    client = await createTestClient(app.url, { timeout: 10_000 });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await client?.close();
    await app?.stop();
  });

  it('loses only its own connections; the other worker keeps serving; it is restarted; room sizes are right throughout', async () => {
    const members = await membersOnEveryWorker(client, 2, 3);
    for (const m of members) await m.join('lifeline');
    const [onVictim, onSurvivor] = [...byWorker(members).values()];
    const survivorThread = onSurvivor[0].worker;
    const [publisher, watcher] = onSurvivor;

    // Traffic from the surviving worker, one message after another, through the crash and the restart.
    let sending = true;
    let sent = 0;
    const traffic = (async () => {
      while (sending) await publisher.publish('lifeline', 'broadcastToAll', `m${sent++}`);
    })();
    await watcher.received(20);

    await onVictim[0].crashWorker();
    for (const m of onVictim) expect([1006, 1011]).toContain((await m.conn.expectClose()).code);
    // Its members are out of the room the moment its clients see their connections gone.
    expect(await publisher.size('lifeline')).toBe(onSurvivor.length);
    const seen = watcher.inbox.length;
    await watcher.received(seen + 20);

    await app.waitFor(/worker \d+ restarted and accepting connections/, 'the crashed worker to be restarted', BOOT_TIMEOUT_MS);
    sending = false;
    await traffic;
    const all = Array.from({ length: sent }, (_, i) => `m${i}`);
    for (const m of onSurvivor) expect((await m.received(sent)).map((d) => d.text)).toEqual(all);

    // The new worker serves, and its members are in the same rooms as everyone else.
    let fresh: FastMember | null = null;
    for (let tries = 0; tries < 200 && fresh === null; tries++) {
      const m = await FastMember.connect(client);
      if (m.worker !== survivorThread) fresh = m;
    }
    await fresh!.join('lifeline');
    expect(await fresh!.size('lifeline')).toBe(onSurvivor.length + 1);
    expect(await publisher.size('lifeline')).toBe(onSurvivor.length + 1);
    for (const m of onSurvivor) m.drain();
    await fresh!.publish('lifeline', 'broadcast', 'from the new worker');
    for (const m of onSurvivor) expect(await m.received(1)).toEqual([{ kind: 'text', text: 'from the new worker' }]);
    const stats = await app.stats();
    expect(stats.workers).toHaveLength(2);
    expect(app.output).toMatch(/"msg":"fast mode: worker \d+ crashed; its connections are lost"/);
    expect(app.output).toMatch(/worker \d+ stopped unexpectedly; its connections are lost; restarting it in 200 ms/);
  });
});

describe('fast mode: SIGTERM', () => {
  it('closes every connection on every worker with 1001, and the process exits within 5 s', async () => {
    const app = await startFixture({ WORKERS: '2', PROAPI_LOG_LEVEL: 'warn' });
    const client = await createTestClient(app.url, { timeout: 10_000 });
    try {
      const members = await membersOnEveryWorker(client, 2, 3);
      for (const m of members) await m.join('leaving');
      const closes = members.map((m) => m.conn.expectClose(undefined, { timeout: 10_000 }));
      process.kill(app.child.pid!, 'SIGTERM');
      const exit = await withTimeout(app.exited, 5000, 'the process to exit after SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      for (const close of await Promise.all(closes)) expect(close.code).toBe(1001);
      expect(app.output).not.toMatch(/uv_loop_close|Assertion failed/);
    } finally {
      await client.close();
      await app.stop();
    }
  }, BOOT_TIMEOUT_MS);
});
