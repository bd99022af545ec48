import { connect } from '@nats-io/transport-node';
import type { Payload } from '../../connection/message';
import type { BrokerHost } from '../broker';
import { BrokerLink } from '../cluster/broker-link';
import type { ResolvedClusterOptions } from '../cluster/cluster-options';
import { ClusterCounters, type ClusterBrokerStats } from '../cluster/cluster-stats';
import { decodeEnvelope, encodeEnvelope, isFrom, nodeIdBytes } from '../cluster/envelope';
import { RoomInterest, type RoomChannels } from '../cluster/room-interest';
import { SendWindow } from '../cluster/send-window';
import { settleWithin } from '../cluster/settle';
import { PresenceReplica } from './presence-replica';
import { decodePresence, encodePresence, type PresenceMessage } from './presence-messages';
import { presenceSubject, roomSubject } from './subjects';

type NatsConnection = Awaited<ReturnType<typeof connect>>;
type Subscription = ReturnType<NatsConnection['subscribe']>;

const RESOLVED = Promise.resolve();
/**
 * How often what was published is confirmed with a flush (PING/PONG), to release it from the
 * send window. Not every tick: each PONG wakes the event loop, and fewer wakeups mean fuller
 * socket writes on the fan-out path.
 */
const FLUSH_EVERY_MS = 20;

/**
 * One running node's link to NATS: one connection (`noEcho`, so the server never sends this node
 * its own messages) carrying the subjects of rooms with members here and the presence subject.
 * nats.js resubscribes after a reconnect; a flush (PING/PONG) after it confirms the server has
 * every subscription before the link counts as up again.
 */
export class NatsNode implements RoomChannels {
  readonly link: BrokerLink;
  readonly interest: RoomInterest;
  readonly presence: PresenceReplica;
  private readonly counters = new ClusterCounters();
  private readonly window: SendWindow;
  private readonly self: Buffer;
  private readonly subscriptions = new Map<string, Subscription>();
  private nc: NatsConnection | null = null;
  /** Published since the last flush was sent: released from the window when a flush confirms them. */
  private unflushedMessages = 0;
  private unflushedBytes = 0;
  private flushing = false;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Subscriptions made this tick share one flush to confirm them. */
  private confirming: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly host: BrokerHost,
    private readonly options: ResolvedClusterOptions,
    private readonly servers: string[],
  ) {
    this.link = new BrokerLink('nats', host);
    this.interest = new RoomInterest(this, options.unsubscribeGraceMs);
    this.window = new SendWindow('nats', options.maxPendingMessages, options.maxPendingBytes, host.logger);
    this.self = nodeIdBytes(host.nodeId);
    this.presence = new PresenceReplica(host, this.sendPresence, options.heartbeatMs, options.nodeTimeoutMs);
  }

  async connect(): Promise<void> {
    const connecting = connect({
      servers: this.servers,
      name: `proapi ${this.host.nodeId}`,
      noEcho: true,
      timeout: this.options.connectTimeoutMs,
      waitOnFirstConnect: this.options.optional,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      // A server that stops answering is noticed in a few heartbeats, not the default minutes.
      pingInterval: this.options.heartbeatMs,
      maxPingOut: 3,
    });
    const outcome = await settleWithin(connecting, this.options.connectTimeoutMs);
    if (outcome.ok) {
      await this.joined(outcome.value);
      this.host.logger.info({ broker: 'nats', servers: this.servers, nodeId: this.host.nodeId, prefix: this.options.prefix }, 'nats broker connected');
      return;
    }
    const cause = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    if (!this.options.optional) {
      connecting.then((nc) => nc.close(), () => undefined).catch(() => undefined); // a late connection is just closed
      throw new Error(
        `NatsBroker: cannot reach NATS at ${this.servers.join(', ')} within ${this.options.connectTimeoutMs} ms (${cause}). ` +
          'Start NATS or fix the servers (PROAPI_NATS_URL), or pass { optional: true } to serve this node alone until NATS is reachable.',
      );
    }
    this.link.unreachableAtBoot();
    connecting.then(
      (nc) => this.joined(nc).catch((error: unknown) => this.host.logger.error({ broker: 'nats', err: error }, 'nats broker could not join the cluster')),
      () => undefined,
    );
    this.host.logger.error(
      { broker: 'nats', servers: this.servers, cause },
      `NATS UNREACHABLE at ${this.servers.join(', ')}: this node serves its own members ONLY (optional: true). Rooms do not reach other nodes until NATS is up; it joins the cluster by itself then`,
    );
  }

  // RoomChannels: the interest tracker opens and closes room subjects.

  open(room: string): Promise<void> {
    const nc = this.nc;
    if (nc === null) return RESOLVED; // joined() subscribes it
    this.subscriptions.set(room, nc.subscribe(roomSubject(this.options.prefix, room), { callback: this.onEnvelope }));
    if (!this.link.up) return RESOLVED; // nats.js sends it on reconnect; the recovery flush confirms it
    return settleWithin(this.confirm(nc), this.options.subscribeTimeoutMs).then((outcome) => {
      if (!outcome.ok) this.host.logger.warn({ broker: 'nats', room, err: outcome.error }, 'room subscription not confirmed; members here may miss messages from other nodes until the broker recovers');
    });
  }

  close(room: string): void {
    this.subscriptions.get(room)?.unsubscribe();
    this.subscriptions.delete(room);
  }

  publish(room: string, data: Payload, isBinary: boolean): void {
    const nc = this.nc;
    if (nc === null || !this.link.up) return this.link.notForwarded(1);
    const frame = encodeEnvelope(this.self, room, data, isBinary);
    if (frame === null || !this.window.take(frame.length)) return this.link.notForwarded(1);
    try {
      nc.publish(roomSubject(this.options.prefix, room), frame);
    } catch {
      this.window.release(1, frame.length);
      return this.link.notForwarded(1);
    }
    this.counters.published++;
    this.counters.publishedBytes += frame.length;
    this.unflushedMessages++;
    this.unflushedBytes += frame.length;
    if (!this.flushing) {
      this.flushing = true;
      this.flushTimer = setTimeout(this.flushWindow, FLUSH_EVERY_MS).unref();
    } else if (this.flushTimer !== null && this.unflushedMessages >= this.window.maxMessages / 2) {
      // Filling fast: confirm now rather than drop at the bound.
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
      setImmediate(this.flushWindow);
    }
  }

  roomSize(room: string): number {
    return this.presence.roomSize(room);
  }

  rooms(): string[] {
    return this.presence.rooms();
  }

  stats(): ClusterBrokerStats {
    return {
      connected: this.link.up,
      subscribedRooms: this.interest.open.size,
      ...this.counters,
      notForwarded: this.link.notForwardedTotal,
      droppedSlow: this.window.dropped,
      outages: this.link.outages,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interest.clear();
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    const nc = this.nc;
    if (nc === null) return;
    if (this.link.up) {
      this.presence.stop();
      await settleWithin(nc.flush(), 1_000);
    }
    this.link.stopped();
    await settleWithin(nc.close(), 1_000);
  }

  /** The connection is up (at boot, or later when optional): subscribe, announce, follow its status. */
  private async joined(nc: NatsConnection): Promise<void> {
    if (this.stopped) return void nc.close();
    this.nc = nc;
    this.followStatus(nc).catch((error: unknown) => this.link.down(error));
    nc.subscribe(presenceSubject(this.options.prefix), { callback: this.onPresence });
    for (const room of this.interest.open) {
      this.subscriptions.set(room, nc.subscribe(roomSubject(this.options.prefix, room), { callback: this.onEnvelope }));
    }
    await this.recover(nc);
  }

  private async followStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.stopped) return;
      if (status.type === 'disconnect' || status.type === 'staleConnection') this.link.down(status);
      else if (status.type === 'reconnect') void this.recover(nc);
    }
  }

  /** Confirms every subscription with a flush, then tells the cluster this node's members. */
  private async recover(nc: NatsConnection): Promise<void> {
    const generation = this.link.generation;
    const outcome = await settleWithin(nc.flush(), this.options.subscribeTimeoutMs);
    if (!outcome.ok || generation !== this.link.generation || this.stopped) return; // the next 'reconnect' tries again
    this.window.reset();
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.flushing = false;
    this.unflushedMessages = 0;
    this.unflushedBytes = 0;
    this.link.restored({ rooms: this.interest.open.size, resubscribed: 'confirmed by a flush after the reconnect' });
    this.presence.announce();
  }

  private confirm(nc: NatsConnection): Promise<void> {
    // The flush goes out after every subscription of this tick, so its PONG confirms them all.
    this.confirming ??= new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
      this.confirming = null;
      return nc.flush();
    });
    return this.confirming;
  }

  /** One flush per tick at most releases what the server has taken from the send window. */
  private readonly flushWindow = (): void => {
    this.flushTimer = null;
    const nc = this.nc;
    const messages = this.unflushedMessages;
    const bytes = this.unflushedBytes;
    this.unflushedMessages = 0;
    this.unflushedBytes = 0;
    if (nc === null) return void (this.flushing = false);
    nc.flush().then(
      () => {
        this.window.release(messages, bytes);
        this.flushing = false;
        if (this.unflushedMessages > 0) {
          this.flushing = true;
          this.flushTimer = setTimeout(this.flushWindow, FLUSH_EVERY_MS).unref();
        }
      },
      () => {
        // Lost with the connection; recover() empties the window.
        this.flushing = false;
      },
    );
  };

  private readonly sendPresence = (message: PresenceMessage): boolean => {
    const nc = this.nc;
    if (nc === null || !this.link.up) return false;
    try {
      nc.publish(presenceSubject(this.options.prefix), encodePresence(message));
      return true;
    } catch {
      return false;
    }
  };

  private readonly onPresence = (error: Error | null, message: { data: Uint8Array }): void => {
    if (error !== null) return;
    const decoded = decodePresence(message.data);
    if (decoded !== null) this.presence.receive(decoded);
  };

  private readonly onEnvelope = (error: Error | null, message: { data: Uint8Array }): void => {
    if (error !== null) return;
    this.counters.received++;
    const frame = message.data;
    if (isFrom(frame, this.self)) return;
    const envelope = decodeEnvelope(frame);
    if (envelope === null) return;
    this.counters.delivered++;
    this.host.deliver(envelope.room, envelope.payload, envelope.isBinary);
  };
}
