import type { BrokerHost } from '../broker';
import type { PresenceMessage, RoomCounts } from './presence-messages';

interface RemoteNode {
  seq: number;
  seenAt: number;
  /** False until its first complete snapshot arrived: its deltas wait for that. */
  synced: boolean;
  readonly rooms: Map<string, number>;
}

/** Rooms per snapshot part, so a part stays far below NATS's default 1 MiB payload limit. */
const SNAPSHOT_PART = 2_000;
/** A node is asked for a snapshot at most this often. */
const ASK_INTERVAL_MS = 1_000;

/**
 * Cluster presence over NATS: every node announces its per-room member counts (deltas per tick,
 * a heartbeat every few seconds, a full snapshot when asked) and keeps a replica of every other
 * node's. A room size or room list is read from that replica: no round trip at all. A node not
 * heard from within `nodeTimeoutMs` (e.g. SIGKILLed) is dropped with all its members.
 */
export class PresenceReplica {
  private seq = 0;
  private readonly dirty = new Map<string, number>();
  private flushScheduled = false;
  private readonly nodes = new Map<string, RemoteNode>();
  /** Members per room over every other node. */
  private readonly totals = new Map<string, number>();
  private readonly askedAt = new Map<string, number>();
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: BrokerHost,
    /** Sends a message to every other node; false when it could not (the broker is unreachable). */
    private readonly send: (message: PresenceMessage) => boolean,
    private readonly heartbeatMs: number,
    private readonly nodeTimeoutMs: number,
  ) {}

  /** A room's member count on this node changed. */
  changed(room: string, size: number): void {
    this.dirty.set(room, size);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  /** Joins (or rejoins after an outage): tells every node all of this node's counts and asks for theirs. */
  announce(): void {
    this.sendSnapshot();
    this.send({ t: 'ask', n: this.host.nodeId });
    this.heartbeatTimer ??= setInterval(this.heartbeat, this.heartbeatMs).unref();
  }

  roomSize(room: string): number {
    return (this.totals.get(room) ?? 0) + this.host.localRoomSize(room);
  }

  rooms(): string[] {
    const all = new Set(this.host.localRooms());
    for (const room of this.totals.keys()) all.add(room);
    return [...all];
  }

  receive(message: PresenceMessage): void {
    const id = message.n;
    if (id === this.host.nodeId) return;
    const node = this.nodes.get(id);
    switch (message.t) {
      case 'delta':
        if (node === undefined || !node.synced || message.s !== node.seq + 1) return this.ask(id, node);
        node.seq = message.s;
        node.seenAt = Date.now();
        return this.apply(node, message.r);
      case 'alive':
        if (node === undefined || !node.synced || message.s !== node.seq) return this.ask(id, node);
        node.seenAt = Date.now();
        return;
      case 'snapshot':
        return this.applySnapshot(id, node, message);
      case 'ask':
        if (message.of === undefined || message.of === this.host.nodeId) this.sendSnapshot();
        return;
      case 'bye':
        return this.forget(id);
    }
  }

  /** This node stops: the others forget it now rather than at its timeout. */
  stop(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.send({ t: 'bye', n: this.host.nodeId });
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.dirty.size === 0) return;
    const counts: RoomCounts = [...this.dirty];
    this.dirty.clear();
    // A delta that cannot be sent leaves a gap: the others ask for a snapshot when they see one.
    if (this.send({ t: 'delta', n: this.host.nodeId, s: this.seq + 1, r: counts })) this.seq++;
  };

  private readonly heartbeat = (): void => {
    this.send({ t: 'alive', n: this.host.nodeId, s: this.seq });
    const deadline = Date.now() - this.nodeTimeoutMs;
    for (const [id, node] of this.nodes) if (node.seenAt < deadline) this.forget(id);
  };

  private sendSnapshot(): void {
    const rooms = this.host.localRooms();
    for (let start = 0; start === 0 || start < rooms.length; start += SNAPSHOT_PART) {
      const part: RoomCounts = rooms.slice(start, start + SNAPSHOT_PART).map((room) => [room, this.host.localRoomSize(room)]);
      const last = start + SNAPSHOT_PART >= rooms.length;
      if (!this.send({ t: 'snapshot', n: this.host.nodeId, s: this.seq, r: part, first: start === 0, last })) return;
    }
  }

  private applySnapshot(id: string, known: RemoteNode | undefined, message: Extract<PresenceMessage, { t: 'snapshot' }>): void {
    let node = known;
    if (node === undefined) {
      node = { seq: message.s, seenAt: Date.now(), synced: false, rooms: new Map() };
      this.nodes.set(id, node);
    }
    if (message.first) {
      for (const room of [...node.rooms.keys()]) this.setCount(node, room, 0);
      node.synced = false;
    }
    this.apply(node, message.r);
    node.seenAt = Date.now();
    if (message.last) {
      node.seq = message.s;
      node.synced = true;
    }
  }

  private apply(node: RemoteNode, counts: RoomCounts): void {
    for (const [room, members] of counts) this.setCount(node, room, members);
  }

  private setCount(node: RemoteNode, room: string, members: number): void {
    const before = node.rooms.get(room) ?? 0;
    if (members > 0) node.rooms.set(room, members);
    else node.rooms.delete(room);
    const total = (this.totals.get(room) ?? 0) + members - before;
    if (total > 0) this.totals.set(room, total);
    else this.totals.delete(room);
  }

  private forget(id: string): void {
    const node = this.nodes.get(id);
    if (node === undefined) return;
    for (const room of [...node.rooms.keys()]) this.setCount(node, room, 0);
    this.nodes.delete(id);
    this.askedAt.delete(id);
  }

  /** Asks a node we are out of step with for its snapshot (at most once a second per node). */
  private ask(id: string, node: RemoteNode | undefined): void {
    if (node !== undefined) node.seenAt = Date.now();
    const now = Date.now();
    if (now - (this.askedAt.get(id) ?? 0) < ASK_INTERVAL_MS) return;
    this.askedAt.set(id, now);
    this.send({ t: 'ask', n: this.host.nodeId, of: id });
  }
}
