import { createTestClient, type TestClient } from '../../testing';
import { httpGet } from '../helpers/http';
import { Member, VARIANT_CASES, type Delivery } from './member';

/**
 * A running cluster of the conformance app (spec/broker/conformance-app.ts), one node per URL,
 * all sharing one broker fabric. Nodes may be apps in this process, worker threads behind one
 * port (then one URL: the kernel spreads the connections), or other processes.
 */
export interface ConformanceCluster {
  readonly urls: readonly string[];
  stop(): Promise<void>;
}

export interface ConformanceOptions {
  /** Join-then-broadcast pairs in the ordering case. Default 200. */
  readonly joinPairs?: number;
  /** How long a room size may take to be right everywhere, in ms (0: at once). Default 0. */
  readonly sizeSettleMs?: number;
  /** Nodes of the cluster: processes, or worker threads in fast mode. Default: one per URL. */
  readonly places?: number;
}

/** How long a member must stay silent to show it received nothing more (no duplicate, nothing stray). */
const SILENCE_MS = 150;

/**
 * One conformance suite for every `Broker`: every broadcast variant reaches exactly the members
 * it should on every node, once, in order per publisher, binary as binary; a join that resolved
 * is reached by the next broadcast from any node; room sizes and room lists count every node.
 * @example
 * brokerConformance('LocalBroker', async () => ({ urls: [url], stop: () => app.close() }));
 */
export function brokerConformance(name: string, startCluster: () => Promise<ConformanceCluster>, options: ConformanceOptions = {}): void {
  const joinPairs = options.joinPairs ?? 200;
  const sizeSettleMs = options.sizeSettleMs ?? 0;
  /** How many members to open, at most, to find one on every node when the kernel spreads them. */
  const placeAttempts = 64;

  describe(`Broker conformance: ${name}`, () => {
    let cluster: ConformanceCluster;
    let clients: TestClient[];
    let opened = 0;
    let roomCounter = 0;
    const room = (): string => `${name}-room-${++roomCounter}`;

    /** A member on the next node, round robin. */
    const member = async (): Promise<Member> => {
      const node = opened++ % clients.length;
      return new Member(await clients[node].connect('/member'), node);
    };
    const members = (count: number): Promise<Member[]> => Promise.all(Array.from({ length: count }, () => member()));

    const sizeEverywhere = async (probes: readonly Member[], roomName: string, expected: number): Promise<void> => {
      const deadline = Date.now() + sizeSettleMs;
      for (;;) {
        const sizes = await Promise.all(probes.map((probe) => probe.size(roomName)));
        if (sizes.every((size) => size === expected)) return;
        if (Date.now() >= deadline) expect(sizes).toEqual(sizes.map(() => expected));
        await new Promise((resolve) => setImmediate(resolve));
      }
    };

    // A cluster of node processes may take a while to boot while the whole suite shares two cores.
    beforeAll(async () => {
      cluster = await startCluster();
      clients = await Promise.all(cluster.urls.map((url) => createTestClient(url, { timeout: 10_000 })));
    }, 120_000);

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await cluster.stop();
    });

    const expectExactly = async (receivers: readonly Member[], others: readonly Member[], expected: readonly Delivery[]): Promise<void> => {
      await Promise.all(receivers.map((m) => m.received(expected.length)));
      await new Promise((resolve) => setTimeout(resolve, SILENCE_MS)); // a window to catch duplicates and strays
      for (const m of receivers) expect(m.drain()).toEqual(expected);
      for (const m of others) expect(m.drain()).toEqual([]);
    };

    it.each(VARIANT_CASES)('%s reaches exactly the members it should, on every node, once', async (variant, toSelf, kind) => {
      const roomName = room();
      const inRoom = await members(6);
      const outside = await members(2);
      for (const m of inRoom) await m.join(roomName);
      const [sender, ...rest] = inRoom;
      await sender.publish(roomName, variant, `${variant} hello`);
      const expected = [{ kind, text: `${variant} hello` }];
      await expectExactly(toSelf ? inRoom : rest, toSelf ? outside : [...outside, sender], expected);
      await Promise.all([...inRoom, ...outside].map((m) => m.close()));
    });

    it('reaches every member from a sender outside the room, and from app.broadcast*() on any node', async () => {
      const roomName = room();
      const inRoom = await members(5);
      const outsider = await member();
      for (const m of inRoom) await m.join(roomName);
      await outsider.publish(roomName, 'broadcast', 'from outside');
      await expectExactly(inRoom, [outsider], [{ kind: 'text', text: 'from outside' }]);
      for (const [node, url] of cluster.urls.entries()) {
        // One request, three broadcasts: one publisher, so one order at every member. (Requests of
        // their own could reach different workers of a fast-mode node: publishers of their own.)
        const query = `?room=${encodeURIComponent(roomName)}&text=app-${node}&kind=text&kind=json&kind=bytes`;
        expect((await httpGet(`${url.replace(/^ws/, 'http')}/app/broadcast${query}`)).status).toBe(200);
        const text = `app-${node}`;
        await expectExactly(inRoom, [outsider], [
          { kind: 'text', text },
          { kind: 'json', text },
          { kind: 'bytes', text },
        ]);
      }
      await Promise.all([...inRoom, outsider].map((m) => m.close()));
    });

    it('keeps each publisher\'s order at every member', async () => {
      const roomName = room();
      const inRoom = await members(4);
      for (const m of inRoom) await m.join(roomName);
      const [first, second] = inRoom;
      const count = 200;
      await Promise.all([
        Promise.all(Array.from({ length: count }, (_, i) => first.publish(roomName, 'broadcastToAll', `a${i}`))),
        Promise.all(Array.from({ length: count }, (_, i) => second.publish(roomName, 'broadcastToAll', `b${i}`))),
      ]);
      for (const m of inRoom) {
        const got = (await m.received(2 * count)).map((d) => d.text);
        expect(got.filter((t) => t.startsWith('a'))).toEqual(Array.from({ length: count }, (_, i) => `a${i}`));
        expect(got.filter((t) => t.startsWith('b'))).toEqual(Array.from({ length: count }, (_, i) => `b${i}`));
        m.drain();
      }
      await Promise.all(inRoom.map((m) => m.close()));
    });

    /** One member on every node of the cluster (surplus members closed), by where it is served. */
    const memberOnEveryPlace = async (): Promise<Map<string, Member>> => {
      const places = options.places ?? clients.length;
      const found = new Map<string, Member>();
      for (let attempt = 0; found.size < places && attempt < placeAttempts; attempt++) {
        const candidate = await member();
        const place = await candidate.place();
        if (found.has(place)) await candidate.close();
        else found.set(place, candidate);
      }
      if (found.size !== places) await Promise.all([...found.values()].map((m) => m.close()));
      expect(found.size).toBe(places);
      return found;
    };

    it(`reaches a joiner with the first broadcast after its join resolved, from another node where there is one (${joinPairs} pairs)`, async () => {
      const publishers = [...(await memberOnEveryPlace())];
      const joinedAt = new Set<string>();
      const misses: string[] = [];
      const batch = 20;
      for (let start = 0; start < joinPairs; start += batch) {
        await Promise.all(
          Array.from({ length: Math.min(batch, joinPairs - start) }, async (_, i) => {
            const roomName = room();
            const joiner = await member();
            const place = await joiner.place();
            joinedAt.add(place);
            // A publisher served elsewhere than the joiner: every pair crosses nodes when there are several.
            const elsewhere = publishers.filter(([at]) => at !== place);
            const [publisherPlace, publisher] = (elsewhere.length > 0 ? elsewhere : publishers)[(start + i) % Math.max(elsewhere.length, 1)];
            await joiner.join(roomName);
            await publisher.publish(roomName, 'broadcast', 'first');
            const got = await joiner.received(1, 5_000).catch(() => []);
            if (got.length !== 1) misses.push(`${roomName}: joiner on node ${joiner.node} (${place}), publisher on ${publisherPlace}`);
            await joiner.close();
          }),
        );
      }
      expect(misses).toEqual([]);
      // Joiners on every node, so every node's joins were reached from another node.
      expect([...joinedAt].sort()).toEqual(publishers.map(([at]) => at).sort());
      await Promise.all(publishers.map(([, m]) => m.close()));
    });

    it('counts room sizes and rooms over every node, after joins, leaves and abrupt disconnects', async () => {
      const roomName = room();
      const probes = await members(clients.length);
      const inRoom = await members(6);
      for (const m of inRoom) await m.join(roomName);
      await sizeEverywhere(probes, roomName, 6);
      expect(await inRoom[0].myRooms()).toEqual([roomName]);
      await inRoom[0].leave(roomName);
      expect(await inRoom[0].myRooms()).toEqual([]);
      await sizeEverywhere(probes, roomName, 5);
      await inRoom[1].terminate(); // no close frame
      await inRoom[2].close();
      await sizeEverywhere(probes, roomName, 3);
      const http = cluster.urls[cluster.urls.length - 1].replace(/^ws/, 'http');
      const listed = JSON.parse((await httpGet(`${http}/app/rooms?room=${encodeURIComponent(roomName)}`)).body) as { size: number; rooms: string[] };
      expect(listed).toEqual({ size: 3, rooms: expect.arrayContaining([roomName]) as unknown });
      await Promise.all(inRoom.slice(3).map((m) => m.close()));
      await sizeEverywhere(probes, roomName, 0);
      const after = JSON.parse((await httpGet(`${http}/app/rooms?room=${encodeURIComponent(roomName)}`)).body) as { rooms: string[] };
      expect(after.rooms).not.toContain(roomName);
      await Promise.all([...probes, inRoom[0]].map((m) => m.close()));
    });
  });
}
