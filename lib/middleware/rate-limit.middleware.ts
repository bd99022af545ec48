import { performance } from 'node:perf_hooks';
import type { InboundMessage, WebSocketConnection } from '../connection/web-socket-connection';
import { CloseCode } from '../errors';
import { KeyedLogs } from './keyed-logs';
import type { RateLimitStore } from './rate-limit-store';
import { SlidingLog } from './sliding-log';
import { MessageNext, MiddlewareLogger, MiddlewareNext, WebSocketMiddleware } from './web-socket-middleware';

/** Called for a message over the limit. The message is dropped; close the connection here if you want to. */
export type RateLimitCallback<TUserData extends object = Record<string, unknown>> = (
  ws: WebSocketConnection<TUserData>,
  message: InboundMessage,
) => void;

/** @typeParam TUserData - the userData the `key` function reads, e.g. `{ user?: User }`. */
export interface RateLimitOptions<TUserData extends object = Record<string, unknown>> {
  /** Messages allowed in any window of {@link windowSeconds}. */
  maxMessages: number;
  windowSeconds: number;
  /**
   * What happens to a message over the limit: `'close'` (default) closes with 1008
   * "rate limit exceeded" and logs a warning; `'drop'` drops it and keeps the connection, with a
   * warning at the first drop of each connection; a function is called with the connection and
   * the dropped message.
   */
  onLimit?: 'close' | 'drop' | RateLimitCallback<TUserData>;
  /**
   * Shares one limit between connections with the same key, e.g. `(ws) => ws.clientHost` per IP
   * or, per user, `new RateLimitMiddleware<{ user?: User }>({ key: (ws) => ws.userData.user?.id, ... })`
   * (put the AuthMiddleware before it). Computed once per connection; `undefined` means "limit
   * this connection on its own". Default: per connection.
   */
  key?(ws: WebSocketConnection<TUserData>): string | undefined;
  /**
   * How many keys without connections are remembered while their window still counts (so a
   * reconnect does not reset the limit); the least recently used is forgotten first. Default 10,000.
   */
  maxIdleKeys?: number;
  /**
   * Keeps keyed windows outside the process, so a per-user limit holds across nodes, e.g.
   * `new RedisRateLimitStore()` from `proapi/redis` (one round trip per message; while the store
   * is unreachable, limits are per process, logged once). Needs `key`. Default: in this process.
   */
  store?: RateLimitStore;
  /** Milliseconds now; inject one in tests. Default `performance.now`. */
  clock?: () => number;
  /** Default: the app's logger. */
  logger?: MiddlewareLogger;
}

/**
 * Limits inbound messages with a sliding log: a message passes when fewer than `maxMessages`
 * messages passed in the `windowSeconds` before it, exact to the message. Messages over the limit
 * do not count. Memory: up to 8 bytes per `maxMessages` per connection (or key), allocated as
 * messages arrive.
 * @example
 * // 5 messages per 10 seconds per connection; the 6th closes the connection with 1008.
 * app.websocket('/limited', handler, { middlewares: [new RateLimitMiddleware({ maxMessages: 5, windowSeconds: 10 })] });
 */
export class RateLimitMiddleware<TUserData extends object = Record<string, unknown>> extends WebSocketMiddleware<TUserData> {
  private readonly maxMessages: number;
  private readonly windowMs: number;
  private readonly onLimit: 'close' | 'drop' | RateLimitCallback<TUserData>;
  private readonly keyOf: ((ws: WebSocketConnection<TUserData>) => string | undefined) | undefined;
  private readonly clock: () => number;
  private readonly byConnection = new Map<WebSocketConnection<TUserData>, SlidingLog>();
  /** Keys of connections whose windows live in {@link store}. */
  private readonly storedKeys = new Map<WebSocketConnection<TUserData>, string>();
  private readonly store: RateLimitStore | undefined;
  private storeFailing = false;
  /** Shared logs by key (only with the `key` option). */
  private readonly byKey: KeyedLogs;
  /** Connections whose first dropped message was logged (`onLimit: 'drop'`). */
  private readonly dropLogged = new WeakSet<WebSocketConnection<TUserData>>();

  constructor(options: RateLimitOptions<TUserData>) {
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
    this.keyOf = options.key?.bind(options);
    const maxIdleKeys = options.maxIdleKeys ?? 10_000;
    if (!Number.isInteger(maxIdleKeys) || maxIdleKeys < 0) {
      throw new TypeError(`RateLimitMiddleware: maxIdleKeys must be an integer >= 0, got ${String(options.maxIdleKeys)}`);
    }
    this.byKey = new KeyedLogs(this.maxMessages, this.windowMs, maxIdleKeys);
    this.clock = options.clock ?? (() => performance.now());
    if (options.store !== undefined && (typeof options.store?.hit !== 'function' || this.keyOf === undefined)) {
      throw new TypeError('RateLimitMiddleware: store needs a key (the limit it shares is per key), and must have hit(key, maxMessages, windowMs)');
    }
    this.store = options.store;
    this.useLogger(options.logger);
  }

  async handle(ws: WebSocketConnection<TUserData>, next: MiddlewareNext): Promise<unknown> {
    const key = this.keyOf?.(ws);
    const log = key === undefined ? new SlidingLog(this.maxMessages) : this.byKey.acquire(key);
    this.byConnection.set(ws, log);
    if (this.store !== undefined && key !== undefined) this.storedKeys.set(ws, key);
    try {
      return await next();
    } finally {
      this.byConnection.delete(ws);
      this.storedKeys.delete(ws);
      if (key !== undefined) this.byKey.release(key, log, this.clock());
    }
  }

  override onMessage(ws: WebSocketConnection<TUserData>, message: InboundMessage, next: MessageNext): void | Promise<void> {
    const log = this.byConnection.get(ws);
    const storedKey = this.storedKeys.size > 0 ? this.storedKeys.get(ws) : undefined;
    if (log !== undefined && storedKey !== undefined) return this.checkStored(ws, storedKey, log, message, next);
    if (log === undefined || log.tryAdd(this.clock(), this.windowMs)) {
      next(message);
      return;
    }
    this.limited(ws, message);
  }

  /** The store decides; the connection's next messages wait for it, in order. */
  private async checkStored(ws: WebSocketConnection<TUserData>, key: string, log: SlidingLog, message: InboundMessage, next: MessageNext): Promise<void> {
    let passes: boolean;
    try {
      passes = await this.store!.hit(key, this.maxMessages, this.windowMs);
      if (this.storeFailing) this.logger.warn({ path: ws.path }, 'rate-limit store answers again; limits are shared again');
      this.storeFailing = false;
    } catch (error) {
      if (!this.storeFailing) this.logger.warn({ err: error, path: ws.path }, 'rate-limit store unreachable; limiting per process until it answers (logged once)');
      this.storeFailing = true;
      passes = log.tryAdd(this.clock(), this.windowMs);
    }
    if (passes) next(message);
    else this.limited(ws, message);
  }

  private limited(ws: WebSocketConnection<TUserData>, message: InboundMessage): void {
    if (this.onLimit === 'drop') {
      if (this.dropLogged.has(ws)) return;
      this.dropLogged.add(ws);
      this.logger.warn(this.limitFields(ws), "rate limit exceeded; dropping messages (onLimit: 'drop'), logged once per connection");
      return;
    }
    if (this.onLimit === 'close') {
      this.logger.warn(this.limitFields(ws), 'rate limit exceeded; closing with 1008');
      void ws.close(CloseCode.POLICY_VIOLATION, 'rate limit exceeded');
      return;
    }
    this.onLimit(ws, message);
  }

  private limitFields(ws: WebSocketConnection<TUserData>): object {
    return { path: ws.path, client: ws.clientHost, maxMessages: this.maxMessages, windowSeconds: this.windowMs / 1000 };
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
