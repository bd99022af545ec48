/** How the client waits between reconnect attempts. */
export interface ReconnectOptions {
  /** Delay before the first attempt, before jitter. Default 500 ms. */
  readonly initialDelayMs?: number;
  /** The delay doubles with each failed attempt up to this. Default 15,000 ms. */
  readonly maxDelayMs?: number;
  /** Attempts in a row before giving up (the count restarts once connected). Default: no limit. */
  readonly maxAttempts?: number;
  /**
   * The share of each delay taken off at random, 0 to 1, so clients dropped together do not all
   * come back at the same instant. Default 0.5: each delay is between half and all of its step.
   */
  readonly jitter?: number;
}

export type ResolvedReconnect = Required<ReconnectOptions>;

export const DEFAULT_RECONNECT: ResolvedReconnect = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 15_000,
  maxAttempts: Infinity,
  jitter: 0.5,
});

/**
 * The wait before reconnect attempt `attempt` (1, 2, ...): exponential, capped, with jitter.
 * `random` is a number in [0, 1), as from `Math.random()`.
 * @example
 * reconnectDelay(3, DEFAULT_RECONNECT, 0) // 2000: 500 doubled twice, nothing taken off
 */
export function reconnectDelay(attempt: number, options: ResolvedReconnect, random: number): number {
  const step = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (1 - options.jitter * random));
}

/** Checks reconnect options once, when the client is created. */
export function resolveReconnect(options: ReconnectOptions | false | undefined): ResolvedReconnect | null {
  if (options === false) return null;
  const resolved = { ...DEFAULT_RECONNECT, ...options };
  for (const key of ['initialDelayMs', 'maxDelayMs', 'maxAttempts'] as const) {
    if (!(resolved[key] >= 0)) throw new RangeError(`reconnect.${key} must be a non-negative number, got ${String(resolved[key])}`);
  }
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1)) throw new RangeError(`reconnect.jitter must be between 0 and 1, got ${String(resolved.jitter)}`);
  return resolved;
}
