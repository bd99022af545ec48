import { randomUUID } from 'node:crypto';
import type { Broker, BrokerHost } from '../broker/broker';
import type { LocalTopics, RoomListener, SocketHandle } from '../connection/peer';
import type { Payload } from '../connection/message';
import { RoomLimitError } from '../errors';
import type { Probe } from '../instrumentation/probe';
import type { StatsCounters } from '../instrumentation/stats';
import type { Logger } from '../logger';
import { rejected } from '../connection/rejected';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The app's rooms: this process's members live in the transport's topics, and the broker carries
 * room messages to and from other processes. Every join, leave, broadcast and room query of the
 * app passes here, after its room name and payload were checked.
 */
export class RoomHub implements RoomListener, BrokerHost {
  readonly nodeId = randomUUID();
  readonly roomSizeChanged: ((room: string, size: number) => void) | null;
  /** Rooms whose broker subscription is not confirmed yet: their joins wait for it. */
  private readonly subscribing = new Map<string, Promise<void>>();

  constructor(
    private readonly topics: LocalTopics,
    private readonly broker: Broker,
    private readonly maxRoomsPerConnection: number,
    private readonly stats: StatsCounters,
    private readonly probe: Probe,
    readonly logger: Logger,
  ) {
    this.roomSizeChanged = broker.localRoomSizeChanged ? broker.localRoomSizeChanged.bind(broker) : null;
    topics.setRoomListener(this);
  }

  /** Resolves once a broadcast from any process reaches the socket. */
  join(socket: SocketHandle, room: string): Promise<void> {
    const topics = this.topics;
    if (topics.roomCount(socket) >= this.maxRoomsPerConnection && !topics.has(socket, room)) {
      return rejected(new RoomLimitError(room, this.maxRoomsPerConnection));
    }
    if (!topics.subscribe(socket, room)) return RESOLVED;
    return this.subscribing.get(room) ?? RESOLVED;
  }

  leave(socket: SocketHandle, room: string): void {
    this.topics.unsubscribe(socket, room);
  }

  roomsOf(socket: SocketHandle): string[] {
    return this.topics.topicsOf(socket);
  }

  /** To every member of `room` in every process, except the `exclude` socket. */
  publish(room: string, data: Payload, isBinary: boolean, exclude: SocketHandle | null): void {
    this.topics.publish(room, data, isBinary, exclude);
    this.broker.publish(room, data, isBinary);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.stats.broadcasts++;
    this.stats.broadcastBytes += bytes;
    if (this.probe.broadcast !== null) {
      const excluded = exclude !== null && this.topics.has(exclude, room) ? 1 : 0;
      this.probe.broadcast(room, bytes, this.topics.size(room) - excluded);
    }
  }

  size(room: string): Promise<number> {
    return this.broker.roomSize(room);
  }

  rooms(): Promise<string[]> {
    return this.broker.rooms();
  }

  // RoomListener: the transport reports rooms of this process opening and emptying.

  roomOpened(room: string): void {
    const subscribed = this.broker.subscribe(room);
    if (subscribed === undefined) return;
    const settled = (): void => {
      if (this.subscribing.get(room) === waiting) this.subscribing.delete(room);
    };
    const waiting: Promise<void> = subscribed.then(settled, (error: unknown) => {
      settled();
      this.logger.error({ err: error, room, broker: this.broker.name }, 'broker subscribe failed; the room is served locally only');
    });
    this.subscribing.set(room, waiting);
  }

  roomEmptied(room: string): void {
    this.broker.unsubscribe(room);
  }

  // BrokerHost: what the broker may ask of this app.

  deliver(room: string, data: Payload, isBinary: boolean): void {
    this.topics.publish(room, data, isBinary, null);
  }

  localRoomSize(room: string): number {
    return this.topics.size(room);
  }

  localRooms(): string[] {
    return this.topics.rooms();
  }

  notForwarded(count: number): void {
    this.stats.notForwarded += count;
  }
}
