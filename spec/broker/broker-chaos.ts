import { setTimeout as delay } from 'node:timers/promises';
import { NatsBroker } from '../../nats';
import { RedisBroker } from '../../redis';
import { createTestClient, type TestClient } from '../../testing';
import { withTimeout } from '../helpers/async';
import { captureLogger } from '../helpers/capture-logger';
import { BrokerServer } from './broker-server';
import { createApp } from './conformance-app';
import { Member } from './member';
import { startNodes, type NodeProcess } from './node-process';

const POLL_MS = 50;

async function until(check: () => Promise<boolean> | boolean, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await delay(POLL_MS);
  }
}

const texts = (m: Member): string[] => m.drain().map((d) => d.text);

/**
 * The broker dies and comes back under two node processes with members on both, on a server
 * the spec owns: local delivery never stops, nothing crashes, cross-node delivery resumes within
 * 5 s of the restart, and what was not forwarded is in app.stats() and the log. Also: a server
 * unreachable at boot is a clear error, or local-only service with `optional: true`.
 */
export function brokerChaos(kind: 'redis' | 'nats'): void {
  const makeBroker = (url: string, optional: boolean, connectTimeoutMs: number, maxPendingMessages?: number): RedisBroker | NatsBroker =>
    kind === 'redis'
      ? new RedisBroker({ url, optional, connectTimeoutMs, maxPendingMessages })
      : new NatsBroker({ servers: url, optional, connectTimeoutMs, maxPendingMessages });

  describe(`${kind} broker outage, 2 node processes on a ${kind} server of the spec's own`, () => {
    let server: BrokerServer;
    let nodes: NodeProcess[];
    let clients: TestClient[];

    beforeAll(async () => {
      server = await BrokerServer.start(kind);
      nodes = await startNodes(2, kind, server.url, `chaos-${process.pid}`);
      clients = await Promise.all(nodes.map((n) => createTestClient(n.url, { timeout: 10_000 })));
    }, 120_000); // node processes boot for seconds, more while the whole suite shares two cores

    afterAll(async () => {
      await Promise.all((clients ?? []).map((c) => c.close()));
      await Promise.all((nodes ?? []).map((n) => n.kill('SIGTERM')));
      await server?.kill();
    }, 60_000);

    it('keeps local delivery through a stop mid-traffic, resumes cross-node delivery within 5 s of the restart, and counts what was not forwarded', async () => {
      const [sender, local, remote] = [
        new Member(await clients[0].connect('/member'), 0),
        new Member(await clients[0].connect('/member'), 0),
        new Member(await clients[1].connect('/member'), 1),
      ];
      for (const m of [sender, local, remote]) await m.join('chaos');
      await sender.publish('chaos', 'broadcast', 'before');
      await Promise.all([local.received(1), remote.received(1)]);
      expect([texts(local), texts(remote)]).toEqual([['before'], ['before']]);

      // Traffic while the server dies: every message reaches the local member, in order; the
      // remote member gets a prefix of them, each once (at most once across nodes).
      let sent = 0;
      let traffic = true;
      const flowing = (async () => {
        while (traffic) await sender.publish('chaos', 'broadcast', `t${sent++}`);
      })();
      await local.received(20);
      await server.kill();
      await until(async () => (await Promise.all(nodes.map((n) => n.stats()))).every((s) => !s.broker.connected), 10_000, 'both nodes to notice the outage');
      traffic = false;
      await flowing;
      const all = Array.from({ length: sent }, (_, i) => `t${i}`);
      await local.received(sent);
      expect(texts(local)).toEqual(all);
      const remoteGot = texts(remote);
      expect(remoteGot).toEqual(all.slice(0, remoteGot.length));

      // During the outage: local delivery goes on; each message is counted as not forwarded.
      const lostBefore = (await nodes[0].stats()).app.notForwarded;
      for (let i = 0; i < 20; i++) await sender.publish('chaos', 'broadcast', `outage ${i}`);
      await local.received(20);
      expect(texts(local)).toEqual(Array.from({ length: 20 }, (_, i) => `outage ${i}`));
      expect((await nodes[0].stats()).app.notForwarded - lostBefore).toBe(20);

      // Restart: cross-node delivery resumes by itself (the remote node resubscribed).
      await server.restart();
      let probes = 0;
      await withTimeout(
        (async () => {
          while (remote.inbox.length === 0) {
            await sender.publish('chaos', 'broadcast', `probe ${probes++}`);
            await delay(POLL_MS);
          }
        })(),
        5_000,
        'cross-node delivery after the restart',
      );
      await until(async () => (await Promise.all(nodes.map((n) => n.stats()))).every((s) => s.broker.connected), 5_000, 'both nodes to report the broker back');
      await until(async () => (await remote.size('chaos')) === 3, 5_000, 'the room size to count both nodes again');

      // The count is in app.stats() and in the log line that closed the outage.
      const stats = await nodes[0].stats();
      const lines = nodes[0].log.split('\n').filter((l) => l.includes('not forwarded to other nodes during the outage'));
      expect(lines).toHaveLength(1);
      const logged = JSON.parse(lines[0]) as { notForwarded: number };
      expect(logged.notForwarded).toBe(stats.app.notForwarded);
      expect(stats.app.notForwarded).toBeGreaterThanOrEqual(20);
      expect(stats.broker.outages).toBe(1);
      for (const node of nodes) {
        expect(node.alive).toBe(true);
        expect(node.log).not.toContain('FATAL');
      }
      await Promise.all([sender, local, remote].map((m) => m.close()));
    });
  });

  describe(`${kind} broker that stops answering`, () => {
    it('bounds what waits for it: past maxPendingMessages, room messages are dropped and counted, and local delivery goes on', async () => {
      const server = await BrokerServer.start(kind);
      const logger = captureLogger();
      const broker = makeBroker(server.url, false, 2_000, 100);
      const app = createApp({ broker, logger });
      const client = await createTestClient(`ws://127.0.0.1:${await app.listen(0, '127.0.0.1')}`);
      try {
        const member = new Member(await client.connect('/member'), 0);
        await member.join('stalled');
        server.pause();
        for (let i = 0; i < 1000; i++) app.broadcast('stalled', `m${i}`);
        expect((await member.received(1000)).map((d) => d.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
        expect(broker.stats()).toMatchObject({ published: 100, droppedSlow: 900, notForwarded: 900 });
        expect((await app.stats()).notForwarded).toBe(900);
        expect(logger.entries.filter((e) => /not keeping up/.test(e.message))).toHaveLength(1);
        server.resume();
        await logger.waitFor((e) => /caught up; 900 room messages were dropped/.test(e.message), 'the caught-up line');
        await member.close();
      } finally {
        server.resume();
        await client.close();
        await app.close();
        await server.kill();
      }
    });
  });

  describe(`${kind} broker unreachable at boot`, () => {
    it('makes listen() reject with an error that says what to do', async () => {
      const nowhere = await BrokerServer.unstarted(kind);
      const app = createApp({ broker: makeBroker(nowhere.url, false, 500) });
      await expect(app.listen(0, '127.0.0.1')).rejects.toThrow(new RegExp(`cannot reach ${kind === 'redis' ? 'Redis' : 'NATS'} at .*${nowhere.port}.*optional: true`));
      await app.close();
    });

    it('serves locally with a loud warning when optional, and joins the cluster once the server is up', async () => {
      const later = await BrokerServer.unstarted(kind);
      const logger = captureLogger();
      const broker = makeBroker(later.url, true, 500);
      const app = createApp({ broker, logger });
      const port = await app.listen(0, '127.0.0.1');
      expect(logger.entries.find((e) => e.level === 'error' && /UNREACHABLE.*ONLY/.test(e.message))).toBeDefined();
      const client = await createTestClient(`ws://127.0.0.1:${port}`);
      try {
        const [a, b] = [new Member(await client.connect('/member'), 0), new Member(await client.connect('/member'), 0)];
        await a.join('alone');
        await b.join('alone');
        await a.publish('alone', 'broadcast', 'local only');
        expect((await b.received(1)).map((d) => d.text)).toEqual(['local only']);
        expect(broker.stats()?.connected).toBe(false);
        await later.restart();
        await until(() => broker.stats()?.connected === true, 10_000, 'the broker to connect once the server is up');
        expect(await b.size('alone')).toBe(2);
        // The message published while alone was not forwarded: counted, and told when the node joined.
        expect((await app.stats()).notForwarded).toBe(1);
        const joined = logger.entries.find((e) => /joined the cluster/.test(e.message));
        expect(joined?.fields).toMatchObject({ notForwarded: 1 });
        await Promise.all([a.close(), b.close()]);
      } finally {
        await client.close();
        await app.close();
        await later.kill();
      }
    });
  });
}
