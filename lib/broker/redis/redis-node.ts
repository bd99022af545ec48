import { randomUUID } from 'node:crypto';
import type { Payload } from '../../connection/message';
import type { BrokerHost } from '../broker';
import { BrokerLink } from '../cluster/broker-link';
import type { ResolvedClusterOptions } from '../cluster/cluster-options';
import { ClusterCounters, type ClusterBrokerStats } from '../cluster/cluster-stats';
import { decodeEnvelope, encodeEnvelope, isFrom, nodeIdBytes } from '../cluster/envelope';
import { RoomInterest, type RoomChannels } from '../cluster/room-interest';
import { SendWindow } from '../cluster/send-window';
import { settleWithin } from '../cluster/settle';
import { SizeRing } from '../cluster/size-ring';
import { createRedisClient, describe, redact, type RedisClient, type RedisClientOptions } from './redis-clients';
import { RedisPresence } from './redis-presence';


const RESOLVED = Promise.resolve();
/** How long a recovery waits for its probe to come back through the subscriber connection. */
const PROBE_TIMEOUT_MS = 2_000;
const RETRY_RECOVERY_MS = 500;

/**
 * One running node's link to Redis: a command connection (publishes, presence) and a subscriber
 * connection (the channels of rooms with members here, and this node's own channel for probes).
 *
 * Channels: `<prefix>:r:<room>` carries a room's envelopes, `<prefix>:n:<node id>` a node's probes.
 */
export class RedisNode implements RoomChannels {
  readonly link: BrokerLink;
  readonly interest: RoomInterest;
  readonly presence: RedisPresence;
  private readonly counters = new ClusterCounters();
  private readonly window: SendWindow;
  private readonly inFlight: SizeRing;
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;
  private readonly self: Buffer;
  private readonly roomChannel: string;
  private readonly nodeChannel: string;
  /** Rooms whose channel node-redis holds for us (it resubscribes them itself after a reconnect). */
  private readonly confirmed = new Set<string>();
  private nodeChannelOpen = false;
  private probe: { token: string; arrived(): void } | null = null;
  private recovery: Promise<void> | null = null;
  private recoverAgain = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private sizeFallbackLogged = false;

  constructor(
    private readonly host: BrokerHost,
    private readonly options: ResolvedClusterOptions,
    private readonly url: string,
    clientOptions: RedisClientOptions,
  ) {
    this.link = new BrokerLink('redis', host);
    this.interest = new RoomInterest(this, options.unsubscribeGraceMs);
    this.window = new SendWindow('redis', options.maxPendingMessages, options.maxPendingBytes, host.logger);
    this.inFlight = new SizeRing(options.maxPendingMessages);
    this.self = nodeIdBytes(host.nodeId);
    this.roomChannel = `${options.prefix}:r:`;
    this.nodeChannel = `${options.prefix}:n:${host.nodeId}`;
    this.pub = createRedisClient(url, options.connectTimeoutMs, clientOptions);
    this.sub = createRedisClient(url, options.connectTimeoutMs, clientOptions);
    for (const client of [this.pub, this.sub]) {
      client.on('error', this.lost);
      client.on('reconnecting', this.lost);
      client.on('ready', this.recover);
    }
    this.presence = new RedisPresence(
      this.pub,
      options.prefix,
      host,
      options.heartbeatMs,
      options.nodeTimeoutMs,
      () => this.link.up,
      this.lost,
    );
  }

  /** Connects both clients; rejects (clients closed) if Redis is not reachable within connectTimeoutMs, unless optional. */
  async connect(): Promise<void> {
    const connecting = Promise.all([this.pub.connect(), this.sub.connect()]);
    const outcome = await settleWithin(connecting, this.options.connectTimeoutMs);
    const { logger } = this.host;
    if (outcome.ok) {
      await this.recoverNow();
      if (!this.link.up) await this.recoverNow(); // a 'ready' event may have started one before
      if (this.link.up) {
        logger.info({ broker: 'redis', url: redact(this.url), nodeId: this.host.nodeId, prefix: this.options.prefix }, 'redis broker connected');
        return;
      }
    }
    const cause = outcome.ok ? 'its subscriptions could not be confirmed' : describe(outcome.error);
    if (!this.options.optional) {
      this.stopped = true;
      connecting.catch(() => undefined);
      this.pub.destroy();
      this.sub.destroy();
      throw new Error(
        `RedisBroker: cannot reach Redis at ${redact(this.url)} within ${this.options.connectTimeoutMs} ms (${cause}). ` +
          'Start Redis or fix the url (PROAPI_REDIS_URL), or pass { optional: true } to serve this node alone until Redis is reachable.',
      );
    }
    connecting.catch(() => undefined); // node-redis keeps trying; 'ready' joins the cluster
    this.link.unreachableAtBoot();
    logger.error(
      { broker: 'redis', url: redact(this.url), cause },
      `REDIS UNREACHABLE at ${redact(this.url)}: this node serves its own members ONLY (optional: true). Rooms do not reach other nodes until Redis is up; it joins the cluster by itself then`,
    );
  }

  // RoomChannels: the interest tracker opens and closes room channels.

  open(room: string): Promise<void> {
    if (!this.link.up) return RESOLVED; // recovery subscribes it
    return settleWithin(this.subscribeRoom(room), this.options.subscribeTimeoutMs).then((outcome) => {
      if (!outcome.ok) this.host.logger.warn({ broker: 'redis', room, err: outcome.error }, 'room subscription not confirmed; members here may miss messages from other nodes until the broker recovers');
    });
  }

  close(room: string): void {
    if (!this.confirmed.has(room) || !this.link.up) return; // recovery closes what is no longer wanted
    this.sub.unsubscribe(this.roomChannel + room, this.onEnvelope, true).then(
      () => {
        this.confirmed.delete(room);
        if (this.interest.open.has(room)) this.reopen(room);
      },
      () => undefined,
    );
  }

  publish(room: string, data: Payload, isBinary: boolean): void {
    if (!this.link.up) return this.link.notForwarded(1);
    const frame = encodeEnvelope(this.self, room, data, isBinary);
    if (frame === null || !this.window.take(frame.length)) return this.link.notForwarded(1);
    this.inFlight.push(frame.length);
    this.counters.published++;
    this.counters.publishedBytes += frame.length;
    this.pub.publish(this.roomChannel + room, frame).then(this.published, this.publishFailed);
  }

  async roomSize(room: string): Promise<number> {
    if (this.link.up) {
      const outcome = await settleWithin(this.presence.roomSize(room), this.options.subscribeTimeoutMs);
      if (outcome.ok) return outcome.value;
    }
    this.logSizeFallback();
    return this.host.localRoomSize(room);
  }

  async rooms(): Promise<string[]> {
    if (this.link.up) {
      const outcome = await settleWithin(this.presence.rooms(), this.options.subscribeTimeoutMs);
      if (outcome.ok) return outcome.value;
    }
    this.logSizeFallback();
    return this.host.localRooms();
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
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.interest.clear();
    this.presence.stopHeartbeat();
    if (this.link.up) {
      await settleWithin(this.presence.leave(), 1_000);
      await settleWithin(Promise.all([this.pub.close(), this.sub.close()]), 1_000);
    }
    this.link.stopped();
    for (const client of [this.pub, this.sub]) if (client.isOpen) client.destroy();
  }

  private readonly onEnvelope = (frame: Buffer): void => {
    this.counters.received++;
    if (isFrom(frame, this.self)) return; // our own echo
    const envelope = decodeEnvelope(frame);
    if (envelope === null) return;
    this.counters.delivered++;
    this.host.deliver(envelope.room, envelope.payload, envelope.isBinary);
  };

  private readonly onProbe = (message: Buffer): void => {
    if (this.probe !== null && message.toString() === this.probe.token) this.probe.arrived();
  };

  private readonly published = (): void => {
    this.window.release(1, this.inFlight.shift());
  };

  private readonly publishFailed = (): void => {
    this.published();
    this.link.notForwarded(1);
  };

  private readonly lost = (cause: unknown): void => {
    if (this.stopped) return;
    this.link.down(cause);
    // An error that did not cost the connection (e.g. a bad reply) is checked by a fresh recovery.
    if (this.pub.isReady && this.sub.isReady) this.scheduleRecovery();
  };

  private readonly recover = (): void => {
    void this.recoverNow();
  };

  /** Starts a recovery, or joins the one running (which then runs once more). */
  private recoverNow(): Promise<void> {
    if (this.stopped || !this.pub.isReady || !this.sub.isReady) return RESOLVED;
    if (this.recovery !== null) {
      this.recoverAgain = true;
      return this.recovery;
    }
    this.recovery = this.recoverOnce().finally(() => {
      this.recovery = null;
      if (this.recoverAgain) {
        this.recoverAgain = false;
        void this.recoverNow();
      }
    });
    return this.recovery;
  }

  /**
   * Brings the link up: this node's channel, every wanted room subscribed (and no other), a probe
   * through the subscriber connection, and this node's room counts written again.
   */
  private async recoverOnce(): Promise<void> {
    const generation = this.link.generation;
    try {
      if (!this.nodeChannelOpen) {
        await this.sub.subscribe(this.nodeChannel, this.onProbe, true);
        this.nodeChannelOpen = true;
      }
      for (const room of [...this.confirmed]) {
        if (!this.interest.open.has(room)) await this.sub.unsubscribe(this.roomChannel + room, this.onEnvelope, true).then(() => this.confirmed.delete(room));
      }
      await Promise.all([...this.interest.open].filter((room) => !this.confirmed.has(room)).map((room) => this.subscribeRoom(room)));
      await this.roundTripProbe();
      await this.presence.resync();
      if (generation !== this.link.generation || this.stopped) throw new Error('the connection dropped again during recovery');
      this.presence.startHeartbeat();
      this.link.restored({ rooms: this.interest.open.size, resubscribed: 'verified by a probe through the subscriber connection' });
    } catch (error) {
      if (!this.stopped) this.host.logger.debug({ broker: 'redis', err: error }, 'redis broker recovery failed; retrying');
      this.scheduleRecovery();
    }
  }

  private scheduleRecovery(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.recoverNow();
    }, RETRY_RECOVERY_MS).unref();
  }

  private subscribeRoom(room: string): Promise<void> {
    return this.sub.subscribe(this.roomChannel + room, this.onEnvelope, true).then(() => {
      this.confirmed.add(room);
    });
  }

  private reopen(room: string): void {
    this.subscribeRoom(room).catch(this.lost);
  }

  /** Publishes a token to this node's channel and waits for it to come back through the subscriber connection. */
  private async roundTripProbe(): Promise<void> {
    const token = randomUUID();
    const arrived = new Promise<void>((resolve) => (this.probe = { token, arrived: resolve }));
    try {
      await this.pub.publish(this.nodeChannel, token);
      const outcome = await settleWithin(arrived, PROBE_TIMEOUT_MS);
      if (!outcome.ok) throw new Error('the probe did not come back through the subscriber connection');
    } finally {
      this.probe = null;
    }
  }

  private logSizeFallback(): void {
    if (this.sizeFallbackLogged) return;
    this.sizeFallbackLogged = true;
    this.host.logger.warn({ broker: 'redis' }, 'room sizes and room lists count this node only while Redis is unreachable (logged once)');
  }
}
