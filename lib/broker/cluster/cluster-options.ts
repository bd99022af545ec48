/** What every cluster broker (Redis, NATS) is configured with, besides where its server is. */
export interface ClusterBrokerOptions {
  /**
   * Prefix of every channel, subject and key this broker uses. Every node of one app uses the
   * same; apps sharing one Redis or NATS use different ones. Default `proapi`.
   */
  prefix?: string;
  /**
   * `true`: when the server is unreachable at boot, serve this node alone (with a loud warning)
   * and join the cluster when it comes up. Default `false`: `listen()` rejects with a clear error.
   */
  optional?: boolean;
  /** How long `listen()` waits for the server at boot, in ms. Default 5,000. */
  connectTimeoutMs?: number;
  /** How long a join waits for the broker to confirm the room's subscription, in ms. Default 5,000. */
  subscribeTimeoutMs?: number;
  /** How long a room stays subscribed after its last member here left, in ms. Default 1,000. */
  unsubscribeGraceMs?: number;
  /** How often this node tells the others it is alive, in ms. Default 2,000. */
  heartbeatMs?: number;
  /** A node not heard from for this long is gone, its members no longer counted, in ms. Default 6,000. */
  nodeTimeoutMs?: number;
  /** Room messages handed to the broker and not yet acknowledged, at most. Default 10,000. */
  maxPendingMessages?: number;
  /** Bytes of those, at most. Default 16 MiB. */
  maxPendingBytes?: number;
}

export type ResolvedClusterOptions = Required<ClusterBrokerOptions>;

const DEFAULTS: ResolvedClusterOptions = {
  prefix: 'proapi',
  optional: false,
  connectTimeoutMs: 5_000,
  subscribeTimeoutMs: 5_000,
  unsubscribeGraceMs: 1_000,
  heartbeatMs: 2_000,
  nodeTimeoutMs: 6_000,
  maxPendingMessages: 10_000,
  maxPendingBytes: 16 * 1024 * 1024,
};

/** Options with defaults filled in; a wrong value is a TypeError that names it. */
export function resolveClusterOptions(broker: string, options: ClusterBrokerOptions): ResolvedClusterOptions {
  const resolved = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options) as [keyof ClusterBrokerOptions, unknown][]) {
    if (value === undefined || !(key in DEFAULTS)) continue;
    const expected = typeof DEFAULTS[key];
    const valid = expected === 'number' ? typeof value === 'number' && Number.isFinite(value) && value >= 0 : typeof value === expected;
    if (!valid) throw new TypeError(`${broker}: ${key} must be ${expected === 'number' ? 'a number >= 0' : `a ${expected}`}, got ${String(value)}`);
    (resolved as Record<string, unknown>)[key] = value;
  }
  if (!/^[A-Za-z0-9_-]+$/.test(resolved.prefix)) {
    throw new TypeError(`${broker}: prefix must be letters, digits, '_' or '-', got ${JSON.stringify(resolved.prefix)}`);
  }
  if (!Number.isInteger(resolved.maxPendingMessages) || resolved.maxPendingMessages < 1 || resolved.maxPendingMessages > 1_000_000) {
    throw new TypeError(`${broker}: maxPendingMessages must be an integer from 1 to 1,000,000, got ${resolved.maxPendingMessages}`);
  }
  if (resolved.nodeTimeoutMs < 2 * resolved.heartbeatMs) {
    throw new TypeError(`${broker}: nodeTimeoutMs (${resolved.nodeTimeoutMs}) must be at least twice heartbeatMs (${resolved.heartbeatMs}), or a live node would look dead`);
  }
  return resolved;
}
