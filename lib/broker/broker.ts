import type { Logger } from '../logger';
import type { Payload } from '../connection/message';

/**
 * What a broker may ask of the app it serves. Local fan-out is always the transport's own (uWS
 * topics); a broker only carries room messages to and from other processes.
 */
export interface BrokerHost {
  /** Unique per process start: a broker tags what it sends with it, to drop its own echoes. */
  readonly nodeId: string;
  readonly logger: Logger;
  /** Delivers a room message that another process published to this process's members of `room`. */
  deliver(room: string, data: Payload, isBinary: boolean): void;
  /** Members of `room` in this process. */
  localRoomSize(room: string): number;
  /** Rooms with members in this process. */
  localRooms(): string[];
  /** Counts a room message that could not be forwarded to other processes (e.g. broker down). */
  notForwarded(count: number): void;
}

/**
 * Carries rooms across processes: worker threads (fast mode) or machines (Redis, NATS). Pass one
 * as `new ProAPI({ broker })`; the default is the {@link LocalBroker} (this process only).
 *
 * Every `ws.*` and `app.*` broadcast and room query goes through the app's broker. Contract:
 * - `subscribe(room)` is called when the first member of `room` in this process joins, and
 *   `unsubscribe(room)` when the last one leaves (or closes). A join resolves only after the
 *   promise `subscribe` returns, so a broadcast that starts after `joinRoom()` has resolved
 *   reaches the joiner wherever it is published.
 * - `publish` is called once per room message published in this process, after its local members
 *   got it; the broker forwards it to other processes with members in the room, which hand it to
 *   {@link BrokerHost.deliver}. It must not deliver a message back to the process that sent it.
 *   It never throws and never blocks: what cannot be forwarded is counted with `notForwarded`.
 * - `roomSize` and `rooms` answer for every process, this one included.
 */
export interface Broker {
  /** For logs and `app.stats()`, e.g. `local`, `redis`. */
  readonly name: string;
  /** Called by `listen()`, before the first connection. */
  start(host: BrokerHost): Promise<void>;
  subscribe(room: string): Promise<void> | void;
  unsubscribe(room: string): void;
  /** Members in this process changed; brokers that keep cluster-wide sizes record it. */
  localRoomSizeChanged?(room: string, size: number): void;
  publish(room: string, data: Payload, isBinary: boolean): void;
  roomSize(room: string): Promise<number>;
  rooms(): Promise<string[]>;
  /** Called by `app.close()`, after every connection has closed. */
  stop(): Promise<void>;
}
