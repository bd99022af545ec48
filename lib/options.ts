import { createDefaultLogger, type Logger } from './logger';
import type { Middleware } from './middleware/web-socket-middleware';

/** Builds gateway instances, so a DI container (tsyringe, typedi, inversify) can inject their dependencies. */
export interface GatewayContainer {
  get<T>(cls: new (...args: never[]) => T): T;
}

/** Limits and transport settings. Every limit has a default; each can be changed here. */
export interface ConnectionLimits {
  /**
   * Largest inbound message in bytes; larger ones close the socket with 1009. Default 1 MiB.
   * (Beyond twice this size uWS v20.30 drops the TCP connection without a close frame: 1006.)
   * Broadcasts larger than this are refused with `MessageTooLargeError`.
   */
  maxPayloadLength: number;
  /** Inbound messages waiting for a receive, per connection; one more closes with 1008. Default 1024. */
  maxQueuedMessages: number;
  /** Buffered outbound bytes above which `send*()` resolves only after the socket drains. Default 256 KiB. */
  sendHighWaterMark: number;
  /**
   * Buffered outbound bytes above which uWS drops messages to a slow receiver (sends and room
   * broadcasts alike; other receivers of a broadcast are not held back). Default 4 MiB.
   */
  maxBackpressure: number;
  /** Close a receiver whose buffer passes `maxBackpressure` instead of dropping its messages. Default false. */
  closeOnBackpressureLimit: boolean;
  /** Seconds without traffic before uWS closes the socket (pings are sent automatically). Default 120. */
  idleTimeoutSeconds: number;
  /** Open plus upgrading connections per process; more get HTTP 503. Default 100,000. */
  maxConnections: number;
  /** Milliseconds `app.close()` waits for handlers to finish after closing their sockets. Default 5,000. */
  shutdownTimeoutMs: number;
  /** Deepest nesting of objects/arrays `receiveJson()` and `@OnMessage` accept. Default 32, at most 1000. */
  maxJsonDepth: number;
  /** Longest JSON text (UTF-16 code units) `receiveJson()` and `@OnMessage` parse. Default 1 MiB. */
  maxJsonLength: number;
  /** Milliseconds a handler may take to accept or refuse; then the upgrade gets HTTP 408 (0: no limit). Default 10,000. */
  acceptTimeoutMs: number;
  /** Longest room name in UTF-8 bytes; longer ones are an `InvalidRoomNameError`. Default 256. */
  maxRoomNameBytes: number;
  /**
   * Rooms one connection may be in at once; one more `joinRoom()` rejects with `RoomLimitError`
   * (room names usually come from clients, and each room costs server memory). Default 1024;
   * `Infinity` for no limit.
   */
  maxRoomsPerConnection: number;
  // Issue 11 (hardening), one message's cost:
  /**
   * Most values `receiveJson()` and `@OnMessage` accept in one JSON message: every member of an
   * object and every element of an array counts one, an empty object or array counts one. What
   * parsing, transforming and validating a message costs grows with it (class-transformer's with
   * the square of one object's keys); a longer text is counted before it is parsed. Default 4,096.
   */
  maxJsonValues: number;
}

export interface ProAPIOptions extends Partial<ConnectionLimits> {
  /** Gateway classes (decorated with `@WebSocket`) or instances to register at construction. */
  gateways?: ReadonlyArray<GatewayClass | object>;
  /** Builds gateway instances; default: `new Gateway()` once per class. */
  container?: GatewayContainer;
  /** Where ProAPI logs. Default: pino at `PROAPI_LOG_LEVEL` or `info`. */
  logger?: Logger;
  /** Middleware every WebSocket route runs first (see `app.websocketMiddlewares`). */
  websocketMiddlewares?: readonly Middleware[];
}

/** A gateway class; its constructor may take any arguments (a container supplies them). */
export type GatewayClass = new (...args: never[]) => object;

export interface ResolvedOptions extends ConnectionLimits {
  container: GatewayContainer | undefined;
  logger: Logger;
}

export const DEFAULT_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  maxPayloadLength: 1024 * 1024,
  maxQueuedMessages: 1024,
  sendHighWaterMark: 256 * 1024,
  maxBackpressure: 4 * 1024 * 1024,
  closeOnBackpressureLimit: false,
  idleTimeoutSeconds: 120,
  maxConnections: 100_000,
  shutdownTimeoutMs: 5_000,
  maxJsonDepth: 32,
  maxJsonLength: 1024 * 1024,
  acceptTimeoutMs: 10_000,
  maxRoomNameBytes: 256,
  maxRoomsPerConnection: 1024,
  // Issue 11 (hardening):
  maxJsonValues: 4096,
});

export function resolveOptions(options: ProAPIOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...DEFAULT_LIMITS,
    container: options.container,
    logger: options.logger ?? createDefaultLogger(),
  };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ConnectionLimits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== typeof DEFAULT_LIMITS[key] || (typeof value === 'number' && !(value >= 0))) {
      throw new TypeError(`option ${key} must be a non-negative ${typeof DEFAULT_LIMITS[key]}, got ${String(value)}`);
    }
    (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  // uWS aborts the whole process for an idle timeout between 1 and 7 seconds.
  if (resolved.idleTimeoutSeconds > 0 && resolved.idleTimeoutSeconds < 8) {
    throw new RangeError(`option idleTimeoutSeconds must be 0 (off) or at least 8, got ${resolved.idleTimeoutSeconds}`);
  }
  // The check of parsed JSON recurses once per level; beyond this, deep input could exhaust the stack.
  if (resolved.maxJsonDepth > 1000) {
    throw new RangeError(`option maxJsonDepth must be at most 1000, got ${resolved.maxJsonDepth}; no sane message nests deeper`);
  }
  if (resolved.sendHighWaterMark > resolved.maxBackpressure) {
    throw new RangeError(
      `option sendHighWaterMark (${resolved.sendHighWaterMark}) must not exceed maxBackpressure (${resolved.maxBackpressure}), ` +
        'or sends would be dropped before they ever wait for drain',
    );
  }
  return resolved;
}
