import { performance } from 'node:perf_hooks';
import type { InboundMessage, WebSocketConnection } from '../connection/web-socket-connection';
import { CloseCode } from '../errors';
import { SlidingLog } from './sliding-log';
import { MessageNext, MiddlewareLogger, MiddlewareNext, WebSocketMiddleware } from './web-socket-middleware';

/** Called for a message over the limit. The message is dropped; close the connection here if you want to. */
export type RateLimitCallback = (ws: WebSocketConnection, message: InboundMessage) => void;

export interface RateLimitOptions {
  /** Messages allowed in any window of {@link windowSeconds}. */
  maxMessages: number;
  windowSeconds: number;
  /**
   * What happens to a message over the limit: `'close'` (default) closes with 1008
   * "rate limit exceeded"; `'drop'` drops it and keeps the connection; a function is called
   * with the connection and the dropped message.
   */
  onLimit?: 'close' | 'drop' | RateLimitCallback;
  /**
   * Shares one limit between connections with the same key, e.g. `(ws) => ws.clientHost` per IP
   * or `(ws) => ws.userData.user?.id` per user (put the AuthMiddleware before it). Computed once per
   * connection; `undefined` means "limit this connection on its own". Default: per connection.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read whatever userData the app keeps
  key?: (ws: WebSocketConnection<any>) => string | undefined;
  /** How many keys without connections are remembered (their windows still count); oldest go first. Default 10,000. */
  maxIdleKeys?: number;
  /** Milliseconds now; inject one in tests. Default `performance.now`. */
  clock?: () => number;
  /** Default: the app's logger. */
  logger?: MiddlewareLogger;
}

/**
 * Limits inbound messages with a sliding log: a message passes when fewer than `maxMessages`
 * messages passed in the `windowSeconds` before it, exact to the message. Messages over the limit
 * do not count. Memory: 8 bytes per `maxMessages` per connection (or key).
 * @example
 * // 5 messages per 10 seconds per connection; the 6th closes the connection with 1008.
 * app.websocket('/limited', handler, { middlewares: [new RateLimitMiddleware({ maxMessages: 5, windowSeconds: 10 })] });
 */
export class RateLimitMiddleware extends WebSocketMiddleware {
  private readonly maxMessages: number;
  private readonly windowMs: number;
  private readonly onLimit: 'close' | 'drop' | RateLimitCallback;
  private readonly keyOf: ((ws: WebSocketConnection) => string | undefined) | undefined;
  private readonly maxIdleKeys: number;
  private readonly clock: () => number;
  private readonly byConnection = new Map<WebSocketConnection, SlidingLog>();
  /** Shared logs by key (only with the `key` option); insertion order is age. */
  private readonly byKey = new Map<string, SlidingLog>();

  constructor(options: RateLimitOptions) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('RateLimitMiddleware needs options, e.g. new RateLimitMiddleware({ maxMessages: 5, windowSeconds: 10 })');
    }
    this.maxMessages = positive(options.maxMessages, 'maxMessages', true);
    this.windowMs = positive(options.windowSeconds, 'windowSeconds', false) * 1000;
    this.onLimit = options.onLimit ?? 'close';
    if (this.onLimit !== 'close' && this.onLimit !== 'drop' && typeof this.onLimit !== 'function') {
      throw new TypeError(`RateLimitMiddleware: onLimit must be 'close', 'drop' or a function, got ${String(options.onLimit)}`);
    }
    this.keyOf = options.key;
    this.maxIdleKeys = options.maxIdleKeys ?? 10_000;
    this.clock = options.clock ?? (() => performance.now());
    this.useLogger(options.logger);
  }

  async handle(ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
    const key = this.keyOf?.(ws);
    const log = key === undefined ? new SlidingLog(this.maxMessages) : this.sharedLog(key);
    log.connections++;
    this.byConnection.set(ws, log);
    try {
      return await next();
    } finally {
      this.byConnection.delete(ws);
      log.connections--;
      if (key !== undefined && log.connections === 0 && log.idleSince(this.clock(), this.windowMs)) this.byKey.delete(key);
    }
  }

  override onMessage(ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
    const log = this.byConnection.get(ws);
    if (log === undefined || log.tryAdd(this.clock(), this.windowMs)) {
      next(message);
      return;
    }
    if (this.onLimit === 'drop') return;
    if (this.onLimit === 'close') {
      this.logger.warn(
        { path: ws.path, client: ws.clientHost, maxMessages: this.maxMessages, windowSeconds: this.windowMs / 1000 },
        'rate limit exceeded; closing with 1008',
      );
      void ws.close(CloseCode.POLICY_VIOLATION, 'rate limit exceeded');
      return;
    }
    this.onLimit(ws, message);
  }

  private sharedLog(key: string): SlidingLog {
    let log = this.byKey.get(key);
    if (log === undefined) {
      if (this.byKey.size >= this.maxIdleKeys) this.evictIdle();
      log = new SlidingLog(this.maxMessages);
      this.byKey.set(key, log);
    }
    return log;
  }

  /** Forgets keys whose window has passed, else the oldest keys without connections. */
  private evictIdle(): void {
    const now = this.clock();
    for (const [key, log] of this.byKey) {
      if (log.connections === 0 && log.idleSince(now, this.windowMs)) this.byKey.delete(key);
    }
    for (const [key, log] of this.byKey) {
      if (this.byKey.size < this.maxIdleKeys) break;
      if (log.connections === 0) this.byKey.delete(key);
    }
  }
}

function positive(value: unknown, name: string, integer: boolean): number {
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isInteger(value))) {
    throw new TypeError(
      `RateLimitMiddleware: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)} ` +
        '(e.g. new RateLimitMiddleware({ maxMessages: 5, windowSeconds: 10 }))',
    );
  }
  return value;
}
