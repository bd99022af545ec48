/**
 * Where a keyed {@link RateLimitMiddleware} keeps its windows when they must hold across
 * processes (e.g. `RedisRateLimitStore` from `proapi/redis`). Without one, windows live in the
 * process: a per-user limit is then per process, and N nodes let a user send N times as much.
 */
export interface RateLimitStore {
  /**
   * Records one message of `key` if fewer than `maxMessages` were recorded in the `windowMs`
   * before it, and says whether it did (whether the message passes). Rejecting (the store is
   * unreachable) makes the middleware limit in this process until the store answers again.
   */
  hit(key: string, maxMessages: number, windowMs: number): Promise<boolean>;
}
