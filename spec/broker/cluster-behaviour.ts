import { setTimeout as delay } from 'node:timers/promises';
import { createTestClient, type TestClient } from '../../testing';
import { Member } from './member';
import type { NodeProcess } from './node-process';

/** How often a wait for cluster state looks again. */
const POLL_MS = 100;

/** Resolves once `read()` returns `expected`, looking every POLL_MS; rejects with the last value after `withinMs`. */
async function eventually<T>(read: () => Promise<T>, expected: T, withinMs: number, what: string): Promise<number> {
  const started = Date.now();
  let last: T;
  for (;;) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`${what}: still ${JSON.stringify(last)} after ${withinMs} ms (expected ${JSON.stringify(expected)})`);
    await delay(POLL_MS);
  }
}

/**
 * What a cluster broker must do across separate node processes, beyond the conformance suite:
 * route by interest (a node receives no envelope of a room it has no members in) and drop a
 * SIGKILLed node's members from room sizes within 12 s. `startCluster` gives 3 nodes of one cluster;
 * node 2 is killed, nodes 0 and 1 are left running (and left to the caller to stop).
 */
export function clusterBehaviour(name: string, startCluster: () => Promise<NodeProcess[]>): void {
  describe(`${name}: interest routing and dead nodes, 3 node processes`, () => {
    let nodes: NodeProcess[];
    let clients: TestClient[];
    const connect = async (node: number): Promise<Member> => new Member(await clients[node].connect('/member'), node);

    // Node processes boot for seconds, more while the whole suite shares two cores.
    beforeAll(async () => {
      nodes = await startCluster();
      clients = await Promise.all(nodes.map((n) => createTestClient(n.url, { timeout: 10_000 })));
    }, 120_000);

    afterAll(async () => {
      await Promise.all((clients ?? []).map((c) => c.close()));
      await nodes?.[2]?.kill('SIGTERM'); // nodes 0 and 1 stay up for whoever shares the cluster (a no-op after the SIGKILL case)
    }, 60_000);

    it('sends a node no envelope of a room it has no members in', async () => {
      const busy = await Promise.all([connect(0), connect(0), connect(0)]);
      const watcher = await connect(1); // node 1: a member in another room only; node 2: no members at all
      for (const m of busy) await m.join('interest-busy');
      await watcher.join('interest-quiet');
      const before = await Promise.all(nodes.map((n) => n.stats()));
      const [sender, ...receivers] = busy;
      for (let i = 0; i < 50; i++) await sender.publish('interest-busy', 'broadcastToAll', `busy ${i}`);
      for (let i = 0; i < 5; i++) await sender.publish('interest-quiet', 'broadcast', `quiet ${i}`);
      await Promise.all([...receivers.map((m) => m.received(50)), sender.received(50), watcher.received(5)]);
      const after = await Promise.all(nodes.map((n) => n.stats()));
      const received = after.map((s, i) => s.broker.received - before[i].broker.received);
      expect(after[0].broker.published - before[0].broker.published).toBe(55);
      // Node 1 got exactly the 5 envelopes of its member's room, none of the busy room's 50; node 2 got none.
      expect(received.slice(1)).toEqual([5, 0]);
      expect(watcher.drain().map((d) => d.text)).toEqual(Array.from({ length: 5 }, (_, i) => `quiet ${i}`));

      // Its last member gone, node 1 unsubscribes after the grace, and then receives nothing more of that room.
      await watcher.leave('interest-quiet');
      await eventually(async () => (await nodes[1].stats()).broker.subscribedRooms, 0, 5_000, "node 1's subscribed rooms after the grace");
      const quietBefore = (await nodes[1].stats()).broker.received;
      for (let i = 0; i < 5; i++) await sender.publish('interest-quiet', 'broadcast', `after ${i}`);
      await sender.publish('interest-busy', 'broadcastToAll', 'marker'); // node 0's members get this after the five
      await Promise.all(busy.map((m) => m.received(51)));
      expect((await nodes[1].stats()).broker.received).toBe(quietBefore);
      await Promise.all([...busy, watcher].map((m) => m.close()));
    });

    it("drops a SIGKILLed node's members from room sizes and room lists within 12 s", async () => {
      const survivors = await Promise.all([connect(0), connect(0), connect(1)]);
      const doomed = await Promise.all([connect(2), connect(2), connect(2)]);
      for (const m of survivors) await m.join('dead-node-room');
      for (const m of doomed) await m.join('dead-node-room');
      await doomed[0].join('dead-node-only');
      await eventually(() => survivors[2].size('dead-node-room'), 6, 5_000, 'room size before the kill');
      await nodes[2].kill('SIGKILL');
      await Promise.all(doomed.map((m) => m.terminate()));
      const tookMs = await eventually(
        () => Promise.all([survivors[0].size('dead-node-room'), survivors[2].size('dead-node-room')]),
        [3, 3],
        12_000,
        'room size on both survivors after SIGKILL',
      );
      const rooms = JSON.parse((await (await fetch(`http://127.0.0.1:${nodes[1].port}/app/rooms?room=dead-node-only`)).text())) as { size: number; rooms: string[] };
      expect(rooms.size).toBe(0);
      expect(rooms.rooms).not.toContain('dead-node-only');
      expect(tookMs).toBeLessThanOrEqual(12_000);
      await Promise.all(survivors.map((m) => m.close()));
    });
  });
}
