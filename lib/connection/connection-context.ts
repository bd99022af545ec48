import type { ErrorAnswer } from '../errors';
import type { Probe } from '../instrumentation/probe';
import type { StatsCounters } from '../instrumentation/stats';
import type { ConnectionLimits } from '../limits';
import type { Logger } from '../logger';
import type { RoomHub } from '../rooms/room-hub';
import type { Transport } from './peer';
import type { InboundMessage, Payload } from './message';

/** The app's limits and logger, as connections see them. */
export interface ConnectionSettings extends ConnectionLimits {
  readonly logger: Logger;
}

/** Where the server listens; set by `listen()`. */
export interface ServerAddress {
  readonly serverHost: string;
  readonly serverPort: number;
}

import type { ErrorStage } from './error-stage';

export interface ErrorSite {
  readonly stage: ErrorStage;
  /** `Gateway.method`, a middleware's name, or a function route's handler name. */
  readonly where: string;
  /** The message type, in an `@OnMessage` handler. */
  readonly type?: string;
  /**
   * Sends the answer as an error frame (in an `@OnMessage` gateway, with the request id); returns
   * the send while it waits for drain. Absent where no frame can answer (a loop-style handler).
   */
  readonly reply?: (answer: ErrorAnswer) => Promise<unknown> | undefined;
  /** Wire codes the gateway closes on after the frame (`closeOn`). */
  readonly closeOn?: ReadonlySet<string>;
}

/** Answers an escaped error on a connection (see answer-error.ts); may return the frame's send. */
export type ErrorResponder<C> = (conn: C, error: unknown, site: ErrorSite) => Promise<unknown> | undefined;

/** What every connection of one app shares. */
export interface AppContext<C> {
  readonly settings: ConnectionSettings;
  readonly transport: Transport;
  readonly server: ServerAddress;
  readonly rooms: RoomHub;
  readonly stats: StatsCounters;
  readonly probe: Probe;
  readonly answerError: ErrorResponder<C>;
}

/**
 * A middleware's per-message stage: passes the message on with `next(message)` (or a replacement),
 * drops it by not calling `next`. While a promise it returns is pending, later messages wait.
 */
export interface InboundStage<C> {
  readonly name: string;
  onMessage(conn: C, message: InboundMessage, next: (message: InboundMessage) => void): void | PromiseLike<void>;
}

/** Sees every frame a connection sends, and each room message it publishes (once, with `room`). */
export interface SendObserver<C> {
  onSend(conn: C, data: Payload, isBinary: boolean, room: string | undefined): void;
}

/**
 * Takes a connection's messages as they arrive instead of `receive()` calls (`@OnMessage`
 * dispatch). While a returned promise is pending, later messages wait in the queue. Never throws.
 */
export interface MessageSink<C> {
  onMessage(conn: C, message: InboundMessage): Promise<unknown> | undefined;
}

/**
 * What every connection of one route shares, built at boot: the route's one pipeline. Inbound,
 * a message passes the middleware stages, then goes to a waiting receive, else the sink, else
 * the queue; outbound, the observers see what the connection sends.
 */
export interface RouteContext<C> {
  /** The route as declared (`/chat/:room`). */
  readonly path: string;
  readonly app: AppContext<C>;
  readonly stages: readonly InboundStage<C>[];
  readonly observers: readonly SendObserver<C>[];
  readonly sink: MessageSink<C> | null;
}
