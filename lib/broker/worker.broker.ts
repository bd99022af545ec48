import { ownBytes } from '../cluster/own-bytes';
import { roomMessageBytes } from '../cluster/peer-link';
import type { PeerLink, PeerMesh } from '../cluster/peer-mesh';
import type { Payload } from '../connection/message';
import type { Broker, BrokerHost } from './broker';

/** A room message for the peer's members of `room`: `room, data, isBinary`. */
const PUBLISH = 8;
/** The sender has members in `room` (told to a newly linked peer, which answers nothing). */
const MEMBERS = 9;
/** The sender has no members in `room` any more. */
const NO_MEMBERS = 10;

/**
 * Fast mode's broker: carries rooms between the worker threads of one process, over the
 * {@link PeerMesh}'s MessagePorts. Each worker knows which peers have members in which room, and
 * forwards a room message once to each of those peers only; the peer hands it to its uWS topic.
 *
 * - Order: one port per pair of workers is FIFO, so a publisher's messages arrive in order.
 * - Joins: when a room gets its first member in this worker, every peer is asked to note that;
 *   the join resolves once all have answered, so a broadcast that any worker starts afterwards
 *   is forwarded here.
 * - Sizes: members of a room are counted when asked, in this worker and in the peers that have
 *   members in it (one round trip); the list of rooms asks every peer.
 * - A stalled peer: joins and queries wait for it `answerTimeoutMs` at most, then go on without
 *   it; room messages past its bound of unacknowledged frames are dropped and counted with
 *   `notForwarded`, once per message and worker not reached (see `MeshLimits`).
 */
export class WorkerBroker implements Broker {
  readonly name = 'worker';
  private host: BrokerHost | null = null;
  /** Peers with members, per room. */
  private readonly interested = new Map<string, Set<PeerLink>>();

  constructor(private readonly mesh: PeerMesh) {
    mesh.on(PUBLISH, (_from, room, data, isBinary) => this.host?.deliver(room as string, data as Payload, isBinary as boolean));
    mesh.on(MEMBERS, (from, room) => this.noteMembers(from, room as string));
    mesh.on(NO_MEMBERS, (from, room) => this.noteNoMembers(from, room as string));
    mesh.answer('subscribe', (room, from) => this.noteMembers(from, room as string));
    mesh.answer('size', (room) => this.host?.localRoomSize(room as string) ?? 0);
    mesh.answer('rooms', () => this.host?.localRooms() ?? []);
    // A worker that starts later (or replaces a crashed one) learns our rooms before it listens.
    mesh.onPeerLinked((peer) => {
      for (const room of this.host?.localRooms() ?? []) mesh.post(peer, MEMBERS, room, 0, 0);
    });
    mesh.onPeerGone((peer) => {
      for (const [room, peers] of this.interested) if (peers.delete(peer) && peers.size === 0) this.interested.delete(room);
    });
  }

  start(host: BrokerHost): Promise<void> {
    this.host = host;
    return Promise.resolve();
  }

  subscribe(room: string): Promise<void> | void {
    if (this.mesh.size === 0) return;
    return this.mesh.ask(this.mesh.peers(), 'subscribe', room).then(() => undefined);
  }

  unsubscribe(room: string): void {
    this.mesh.postAll(NO_MEMBERS, room, 0, 0);
  }

  publish(room: string, data: Payload, isBinary: boolean): void {
    const peers = this.interested.get(room);
    if (peers === undefined) return;
    const message = ownBytes(data);
    const bytes = roomMessageBytes(room, message);
    let dropped = 0;
    for (const peer of peers) if (!this.mesh.offer(peer, PUBLISH, room, message, isBinary, bytes)) dropped++;
    if (dropped > 0) this.host?.notForwarded(dropped);
  }

  roomSize(room: string): Promise<number> {
    const local = this.host?.localRoomSize(room) ?? 0;
    const peers = this.interested.get(room);
    if (peers === undefined) return Promise.resolve(local);
    return this.mesh.ask(peers, 'size', room).then(({ values }) => values.reduce<number>((sum, size) => sum + (size as number), local));
  }

  async rooms(): Promise<string[]> {
    const all = new Set(this.host?.localRooms());
    const { values } = await this.mesh.ask(this.mesh.peers(), 'rooms', null);
    for (const rooms of values) for (const room of rooms as string[]) all.add(room);
    return [...all];
  }

  stop(): Promise<void> {
    this.host = null;
    return Promise.resolve();
  }

  private noteMembers(peer: PeerLink, room: string): true {
    let peers = this.interested.get(room);
    if (peers === undefined) this.interested.set(room, (peers = new Set()));
    peers.add(peer);
    return true;
  }

  private noteNoMembers(peer: PeerLink, room: string): void {
    const peers = this.interested.get(room);
    if (peers?.delete(peer) && peers.size === 0) this.interested.delete(room);
  }
}
