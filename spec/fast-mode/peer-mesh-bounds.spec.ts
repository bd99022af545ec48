import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { BrokerHost } from '../../lib/broker/broker';
import { WorkerBroker } from '../../lib/broker/worker.broker';
import { endAfterCrash } from '../../lib/cluster/fast-worker';
import { PeerMesh } from '../../lib/cluster/peer-mesh';
import type { Logger } from '../../lib/logger';

/**
 * What a worker's mesh does about a peer that does not read its port (as when the peer's event
 * loop is blocked): real MessagePorts, the peer's end left unread until the spec "wakes" it by
 * linking a mesh to it.
 */
class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  private readonly waiters = new Set<(line: string) => void>();
  readonly debug = (): void => undefined;
  readonly info = (): void => undefined;
  readonly warn = (_fields: unknown, msg?: string): void => this.take(msg ?? '');
  readonly error = (_fields: unknown, msg?: string): void => this.take(msg ?? '');

  /** Resolves when a line matching `pattern` is logged (or was). */
  logged(pattern: RegExp): Promise<void> {
    if (this.count(pattern) > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = (line: string): void => {
        if (!pattern.test(line)) return;
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }

  private take(line: string): void {
    this.lines.push(line);
    for (const waiter of this.waiters) waiter(line);
  }
}

class Host implements BrokerHost {
  readonly nodeId = 'host';
  readonly delivered: unknown[] = [];
  notForwardedCount = 0;
  private waiter: (() => void) | null = null;

  constructor(
    readonly logger: Logger,
    private readonly members = new Map<string, number>(),
  ) {}

  deliver(_room: string, data: unknown): void {
    this.delivered.push(data);
    this.waiter?.();
  }

  localRoomSize(room: string): number {
    return this.members.get(room) ?? 0;
  }

  localRooms(): string[] {
    return [...this.members.keys()];
  }

  notForwarded(count: number): void {
    this.notForwardedCount += count;
  }

  deliveries(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = () => this.delivered.length >= count && resolve();
      this.waiter();
    });
  }
}

/** The wire kinds a peer says "I have members in `room`" with (WorkerBroker's MEMBERS). */
const MEMBERS = 9;

interface Sender {
  readonly mesh: PeerMesh;
  readonly broker: WorkerBroker;
  readonly host: Host;
  readonly logger: RecordingLogger;
  /** The stalled peer's end, not read until {@link wake}. */
  readonly stalled: MessagePort;
}

const meshes: PeerMesh[] = [];
afterEach(() => meshes.splice(0).forEach((mesh) => mesh.close()));

/** Worker 1, linked to worker 2, which has a member in `r` and then stopped reading. */
async function senderWithStalledPeer(limits: { answerTimeoutMs?: number; maxPendingFrames?: number; maxPendingBytes?: number }): Promise<Sender> {
  const logger = new RecordingLogger();
  const mesh = new PeerMesh(1, logger, limits);
  meshes.push(mesh);
  const host = new Host(logger);
  const broker = new WorkerBroker(mesh);
  await broker.start(host);
  const { port1, port2 } = new MessageChannel();
  mesh.link(2, port1);
  // What worker 2 sent before its loop blocked: its HELLO and the rooms it has members in.
  port2.postMessage([0, 2, 0, 0, MEMBERS, 'r', 0, 0]);
  await mesh.whenIntroduced();
  return { mesh, broker, host, logger, stalled: port2 };
}

/** Worker 2 runs again: a mesh reads what waited in its port, handles it and acknowledges it. */
async function wake(sender: Sender): Promise<Host> {
  const mesh = new PeerMesh(2, silentLogger());
  meshes.push(mesh);
  const host = new Host(silentLogger(), new Map([['r', 1]]));
  const broker = new WorkerBroker(mesh);
  await broker.start(host);
  mesh.link(1, sender.stalled);
  return host;
}

function silentLogger(): Logger {
  return new RecordingLogger();
}

describe('PeerMesh with a peer that does not read', () => {
  it('answers questions without it after answerTimeoutMs, logs that once per episode, and waits for it again once it is heard from', async () => {
    const sender = await senderWithStalledPeer({ answerTimeoutMs: 50 });
    const [peer] = [...sender.mesh.peers()];
    // A join needs every peer's note of the room: it resolves without the stalled one.
    await sender.broker.subscribe('fresh');
    expect(await sender.mesh.ask([peer], 'size', 'r')).toEqual({ values: [], missing: 1 });
    expect(await sender.broker.roomSize('r')).toBe(0);
    expect(await sender.broker.rooms()).toEqual([]);
    expect(sender.logger.count(/worker 2 did not answer within 50 ms/)).toBe(1);

    await wake(sender);
    // Its late answers arrive: it is heard from, and waited for again.
    await sender.logger.logged(/worker 2 answers again/);
    expect(peer.silent).toBe(false);
    expect(await sender.broker.roomSize('r')).toBe(1);
    expect(await sender.broker.rooms()).toEqual(['r']);
  });

  it('drops room messages past maxPendingFrames, counts them in notForwarded, and forwards again once the peer has caught up', async () => {
    const sender = await senderWithStalledPeer({ maxPendingFrames: 20 });
    for (let i = 0; i < 50; i++) sender.broker.publish('r', `m${i}`, false);
    // HELLO went out too: 19 room messages fit the window of 20 frames.
    expect(sender.host.notForwardedCount).toBe(31);
    expect(sender.logger.count(/worker 2 is not keeping up/)).toBe(1);

    const peer = await wake(sender);
    await peer.deliveries(19);
    expect(peer.delivered).toEqual(Array.from({ length: 19 }, (_, i) => `m${i}`));
    await sender.broker.rooms(); // a round trip: the peer's acknowledgements came before its answer
    expect(sender.logger.count(/worker 2 caught up; 31 room messages to it were dropped meanwhile/)).toBe(1);
    sender.broker.publish('r', 'after', false);
    await peer.deliveries(20);
    expect(peer.delivered[19]).toBe('after');
    expect(sender.host.notForwardedCount).toBe(31);
  });

  it('drops room messages past maxPendingBytes', async () => {
    const sender = await senderWithStalledPeer({ maxPendingBytes: 64 * 1024 });
    const big = new Uint8Array(10 * 1024);
    for (let i = 0; i < 10; i++) sender.broker.publish('r', big, true);
    // Six messages of 10 KiB (and a few bytes of framing) fit 64 KiB, the next four do not.
    expect(sender.host.notForwardedCount).toBe(4);
    const peer = await wake(sender);
    await peer.deliveries(6);
    expect(peer.delivered).toHaveLength(6);
  });
});

describe('a crashing worker', () => {
  it('closes its links to the other workers before it drops its connections', () => {
    const mesh = new PeerMesh(1, silentLogger());
    const { port1 } = new MessageChannel();
    mesh.link(2, port1);
    let linksWhenAborted = -1;
    endAfterCrash(mesh, { abort: () => (linksWhenAborted = mesh.size) });
    expect(linksWhenAborted).toBe(0);
  });
});
