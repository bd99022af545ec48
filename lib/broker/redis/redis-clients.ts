import { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;
export type RedisClientOptions = NonNullable<Parameters<typeof createClient>[0]>;

/** Reconnect fast at first, then every second: a broker back in a moment is used in a moment. */
export const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** retries, 1_000);

/** A node-redis client as the broker uses it: reconnecting by itself, never queueing while offline. */
export function createRedisClient(url: string, connectTimeoutMs: number, clientOptions: RedisClientOptions): RedisClient {
  return createClient({
    ...clientOptions,
    url,
    // What cannot be sent now is not queued for later: it is counted as not forwarded.
    disableOfflineQueue: true,
    socket: { connectTimeout: connectTimeoutMs, ...clientOptions.socket, reconnectStrategy } as RedisClientOptions['socket'],
  });
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The url without its password, for logs and errors. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
