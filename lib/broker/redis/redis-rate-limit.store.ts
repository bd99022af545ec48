import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { RateLimitStore } from '../../middleware/rate-limit-store';
import { settleWithin } from '../cluster/settle';
import { PresenceScript } from './presence-scripts';
import { reconnectStrategy } from './redis-clients';
import type { ScriptClient } from './redis-presence';

/**
 * KEYS: none. ARGV: window key, max messages, window ms, unique member. A sliding log in a sorted
 * set (times from Redis's clock): exact like the in-process log, shared by every node.
 */
const HIT = new PresenceScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local key, window = ARGV[1], tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, math.ceil(window))
return 1`);

/** A client this store opened itself, and closes. */
type OwnClient = ScriptClient & { readonly isOpen: boolean; destroy(): void };

export interface RedisRateLimitStoreOptions {
  /** A connected node-redis client to share (e.g. your app's); or give `url`. */
  client?: ScriptClient;
  /** Default `PROAPI_REDIS_URL`, else `redis://127.0.0.1:6379`; the store connects on first use. */
  url?: string;
  /** Prefix of the window keys (`<prefix>:rl:<key>`). Default `proapi`. */
  prefix?: string;
  /** How long a check may take before the middleware limits in-process instead, in ms. Default 1,000. */
  timeoutMs?: number;
}

/**
 * Keeps `RateLimitMiddleware`'s keyed windows in Redis, so a per-user limit holds across every
 * node: one script call (one round trip) per message. While Redis does not answer, the
 * middleware limits per process and logs it once.
 * @example
 * import { RedisRateLimitStore } from 'proapi/redis';
 * new RateLimitMiddleware<{ user?: User }>({ maxMessages: 20, windowSeconds: 10, key: (ws) => ws.userData.user?.id, store: new RedisRateLimitStore() });
 */
export class RedisRateLimitStore implements RateLimitStore {
  private client: ScriptClient | null;
  private connecting: Promise<OwnClient> | null = null;
  private readonly url: string;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly nonce = randomUUID();
  private sequence = 0;

  constructor(options: RedisRateLimitStoreOptions = {}) {
    this.client = options.client ?? null;
    this.url = options.url ?? process.env.PROAPI_REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.prefix = options.prefix ?? 'proapi';
    this.timeoutMs = options.timeoutMs ?? 1_000;
  }

  async hit(key: string, maxMessages: number, windowMs: number): Promise<boolean> {
    const args = [`${this.prefix}:rl:${key}`, String(maxMessages), String(windowMs), `${this.nonce}:${++this.sequence}`];
    const outcome = await settleWithin(this.check(args), this.timeoutMs);
    if (!outcome.ok) throw outcome.error;
    return outcome.value === 1;
  }

  /** Closes the client this store opened (not one it was given). */
  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = null;
    if (connecting === null) return;
    const client = await connecting.catch(() => null);
    if (client?.isOpen) client.destroy();
    this.client = null;
  }

  private connect(): Promise<ScriptClient> {
    this.connecting ??= (async (): Promise<OwnClient> => {
      const client = createClient({ url: this.url, disableOfflineQueue: true, socket: { reconnectStrategy } });
      client.on('error', () => undefined); // a failed check says it; the middleware logs once
      await client.connect();
      this.client = client;
      return client;
    })();
    return this.connecting;
  }

  private async check(args: string[]): Promise<unknown> {
    return this.run(this.client ?? (await this.connect()), args);
  }

  private async run(client: ScriptClient, args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(HIT.sha, { arguments: args });
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return client.eval(HIT.source, { arguments: args });
    }
  }
}
