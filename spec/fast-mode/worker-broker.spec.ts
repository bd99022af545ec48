import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { BrokerHost } from '../../lib/broker/broker';
import { WorkerBroker } from '../../lib/broker/worker.broker';
import { mergeWorkerStats } from '../../lib/cluster/cluster-stats';
import { PeerMesh } from '../../lib/cluster/peer-mesh';
import { restartDelay } from '../../lib/cluster/restart-delay';
import type { AppStats } from '../../index';
import { silentLogger } from '../../index';

/**
 * The worker broker's routing, with three "workers" in this thread: real MessagePorts between
 * them, and hosts that record what they are handed instead of uWS topics.
 */
class RecordingHost implements BrokerHost {
  readonly nodeId: string;
  readonly logger = silentLogger;
  readonly delivered: { room: string; data: unknown; isBinary: boolean }[] = [];
  readonly members = new Map<string, number>();
  private waiter: (() => void) | null = null;

  constructor(name: string) {
    this.nodeId = name;
  }

  deliver(room: string, data: unknown, isBinary: boolean): void {
    this.delivered.push({ room, data, isBinary });
    this.waiter?.();
  }

  localRoomSize(room: string): number {
    return this.members.get(room) ?? 0;
  }

  localRooms(): string[] {
    return [...this.members.keys()];
  }

  notForwarded(): void {}

  /** Resolves once `count` messages have been delivered here. */
  deliveries(count: number): Promise<void> {
    if (this.delivered.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiter = () => {
        if (this.delivered.length < count) return;
        this.waiter = null;
        resolve();
      };
    });
  }
}

interface Node {
  readonly mesh: PeerMesh;
  readonly broker: WorkerBroker;
  readonly host: RecordingHost;
  /** Frames of each kind this node received, counted on the wire. */
  readonly framesIn: Map<number, number>;
}

async function nodes(count: number): Promise<Node[]> {
  const all: Node[] = [];
  for (let id = 1; id <= count; id++) {
    const mesh = new PeerMesh(id, silentLogger);
    const host = new RecordingHost(`node ${id}`);
    const broker = new WorkerBroker(mesh);
    await broker.start(host);
    all.push({ mesh, broker, host, framesIn: new Map() });
  }
  const count4 = (node: Node, port: MessagePort): void => {
    port.on('message', (batch: unknown[]) => {
      for (let i = 0; i < batch.length; i += 4) node.framesIn.set(batch[i] as number, (node.framesIn.get(batch[i] as number) ?? 0) + 1);
    });
  };
  for (const [i, a] of all.entries()) {
    for (const b of all.slice(i + 1)) {
      const { port1, port2 } = new MessageChannel();
      a.mesh.link(b.mesh.selfId, port1);
      b.mesh.link(a.mesh.selfId, port2);
      count4(a, port1);
      count4(b, port2);
    }
  }
  await Promise.all(all.map((n) => n.mesh.whenIntroduced()));
  return all;
}

/** A room with members on `node`, as RoomHub opens it: members first, then the broker's subscribe. */
async function open(node: Node, room: string, members = 1): Promise<void> {
  node.host.members.set(room, members);
  await node.broker.subscribe(room);
}

const PUBLISH = 8;

describe('WorkerBroker between worker meshes', () => {
  let cluster: Node[];
  afterEach(() => cluster.forEach((n) => n.mesh.close()));

  it('forwards a room message once to each peer with members in the room, and to no other peer', async () => {
    cluster = await nodes(3);
    const [a, b, c] = cluster;
    await open(a, 'r');
    await open(b, 'r');
    for (let i = 0; i < 50; i++) a.broker.publish('r', `m${i}`, false);
    await b.host.deliveries(50);
    expect(b.host.delivered.map((d) => d.data)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    // c has no members: the publisher never sent it a room message.
    await c.broker.rooms(); // a round trip to a: anything a sent c before its answer has arrived
    expect(c.framesIn.get(PUBLISH)).toBeUndefined();
    expect(c.host.delivered).toEqual([]);
    expect(a.host.delivered).toEqual([]);
  });

  it('resolves a subscribe only once every peer forwards the room: a publish right after it arrives', async () => {
    cluster = await nodes(3);
    const [a, b, c] = cluster;
    for (let i = 0; i < 100; i++) {
      await open(a, `room-${i}`);
      b.broker.publish(`room-${i}`, `first ${i}`, false);
      c.broker.publish(`room-${i}`, `first ${i}`, false);
    }
    await a.host.deliveries(200);
    expect(a.host.delivered).toHaveLength(200);
  });

  it('stops forwarding a room to a peer whose last member left', async () => {
    cluster = await nodes(2);
    const [a, b] = cluster;
    await open(b, 'r');
    b.host.members.delete('r');
    b.broker.unsubscribe('r');
    // b's answer follows its "no members" notice on the same port, so a has read the notice by now.
    expect(await a.broker.roomSize('r')).toBe(0);
    a.broker.publish('r', 'nobody there', false);
    // a round trip to a: a's publish, had it been sent, would have arrived before a's answer.
    await b.broker.rooms();
    expect(b.framesIn.get(PUBLISH)).toBeUndefined();
    expect(b.host.delivered).toEqual([]);
  });

  it('counts sizes and rooms over every peer; a peer that goes away counts no more, and its answer is not awaited', async () => {
    cluster = await nodes(3);
    const [a, b, c] = cluster;
    await open(a, 'r', 2);
    await open(b, 'r', 3);
    await open(c, 'r', 4);
    await open(c, 'only-c', 1);
    expect(await a.broker.roomSize('r')).toBe(9);
    expect((await b.broker.rooms()).sort()).toEqual(['only-c', 'r']);
    const asked = a.broker.roomSize('r');
    c.mesh.close(); // before it could answer
    expect(await asked).toBe(5);
    expect(await b.broker.roomSize('r')).toBe(5);
    expect(await a.broker.rooms()).toEqual(['r']);
  });

  it('sends a Buffer view into a shared pool as its own bytes, not the whole pool', async () => {
    cluster = await nodes(2);
    const [a, b] = cluster;
    await open(b, 'bin');
    const pooled = Buffer.from('tiny');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    a.broker.publish('bin', pooled, true);
    await b.host.deliveries(1);
    const [{ data, isBinary }] = b.host.delivered;
    expect(isBinary).toBe(true);
    expect(Buffer.from(data as Uint8Array).toString()).toBe('tiny');
    expect((data as Uint8Array).buffer.byteLength).toBe(4);
  });
});

describe('fast mode helpers', () => {
  it('restarts a crashed worker after 200 ms, doubling with each quick crash in a row, at most 30 s', () => {
    expect([1, 2, 3, 4, 8, 20].map(restartDelay)).toEqual([200, 400, 800, 1600, 25_600, 30_000]);
  });

  it('sums the workers\' stats, takes the app\'s room count, and lists each worker by id', () => {
    const stats = (open: number, rooms: number, closeCodes: Record<string, number>): AppStats => ({
      connections: { open, opened: open + 1, closed: 1, closeCodes },
      rooms,
      messages: { in: open * 10, out: open * 20 },
      bytes: { in: 100, out: 200 },
      broadcasts: { count: 1, bytes: 10 },
      notForwarded: 0,
      errors: { validation: 1 },
      refusals: {},
    });
    const merged = mergeWorkerStats(5, [
      { id: 2, stats: stats(2, 3, { '1000': 1 }) },
      { id: 1, stats: stats(3, 4, { '1001': 1 }) },
    ]);
    expect(merged).toEqual({
      connections: { open: 5, opened: 7, closed: 2, closeCodes: { '1000': 1, '1001': 1 } },
      rooms: 5,
      messages: { in: 50, out: 100 },
      bytes: { in: 200, out: 400 },
      broadcasts: { count: 2, bytes: 20 },
      notForwarded: 0,
      errors: { validation: 2 },
      refusals: {},
      workers: [
        { id: 1, connections: 3, rooms: 4, messages: { in: 30, out: 60 } },
        { id: 2, connections: 2, rooms: 3, messages: { in: 20, out: 40 } },
      ],
    });
  });
});
