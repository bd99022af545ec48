import { createDefaultLogger, type Logger } from './logger';

/** Builds gateway instances, so a DI container (tsyringe, typedi, inversify) can inject their dependencies. */
export interface GatewayContainer {
  get<T>(cls: new (...args: never[]) => T): T;
}

/** Limits and transport settings. Every limit has a default; each can be changed here. */
export interface ConnectionLimits {
  /**
   * Largest inbound message in bytes; larger ones close the socket with 1009. Default 1 MiB.
   * (Beyond twice this size uWS v20.30 drops the TCP connection without a close frame: 1006.)
   */
  maxPayloadLength: number;
  /** Inbound messages waiting for a receive, per connection; one more closes with 1008. Default 1024. */
  maxQueuedMessages: number;
  /** Buffered outbound bytes above which `send*()` resolves only after the socket drains. Default 256 KiB. */
  sendHighWaterMark: number;
  /** Buffered outbound bytes above which uWS drops messages to a slow receiver. Default 4 MiB. */
  maxBackpressure: number;
  /** Close a receiver whose buffer passes `maxBackpressure` instead of dropping its messages. Default false. */
  closeOnBackpressureLimit: boolean;
  /** Seconds without traffic before uWS closes the socket (pings are sent automatically). Default 120. */
  idleTimeoutSeconds: number;
  /** Open plus upgrading connections per process; more get HTTP 503. Default 100,000. */
  maxConnections: number;
  /** Milliseconds `app.close()` waits for handlers to finish after closing their sockets. Default 5,000. */
  shutdownTimeoutMs: number;
  /** Deepest nesting of objects/arrays `receiveJson()` and `@OnMessage` accept. Default 32. */
  maxJsonDepth: number;
  /** Longest JSON text (UTF-16 code units) `receiveJson()` and `@OnMessage` parse. Default 1 MiB. */
  maxJsonLength: number;
}

export interface ProAPIOptions extends Partial<ConnectionLimits> {
  /** Gateway classes (decorated with `@WebSocket`) or instances to register at construction. */
  gateways?: ReadonlyArray<GatewayClass | object>;
  /** Builds gateway instances; default: `new Gateway()` once per class. */
  container?: GatewayContainer;
  /** Where ProAPI logs. Default: pino at `PROAPI_LOG_LEVEL` or `info`. */
  logger?: Logger;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructors of any shape may be registered
export type GatewayClass = new (...args: any[]) => object;

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
  return resolved;
}
