import type { Broker } from './broker/broker';
import type { ServedAsyncApiOptions } from './asyncapi/serve-asyncapi';
import type { ErrorHook } from './connection/error-hook';
import type { Instrumentation } from './instrumentation/instrumentation';
import { DEFAULT_LIMITS, type ConnectionLimits } from './limits';
import { createDefaultLogger, type Logger } from './logger';
import type { HealthOption } from './metrics/health-route';
import type { MetricsOptions } from './metrics/metrics-options';
import type { Middleware } from './middleware/web-socket-middleware';
import { DEFAULT_ALLOWED_ORIGINS, OriginPolicy, type AllowedOrigins } from './routing/allowed-origins';

export { DEFAULT_LIMITS, type ConnectionLimits };

/** Builds gateway and middleware instances, so a DI container (tsyringe, typedi, inversify) can inject their dependencies. */
export interface GatewayContainer {
  get<T>(cls: new (...args: never[]) => T): T;
}

export interface ProAPIOptions extends Partial<ConnectionLimits> {
  /** Gateway classes (decorated with `@WebSocket`) or instances to register at construction. */
  gateways?: ReadonlyArray<GatewayClass | object>;
  /** Builds gateway and middleware instances; default: `new Gateway()` once per class. */
  container?: GatewayContainer;
  /** Where ProAPI logs. Default: pino at `PROAPI_LOG_LEVEL` or `info`. */
  logger?: Logger;
  /** Middleware every WebSocket route runs first (see `app.websocketMiddlewares`). */
  websocketMiddlewares?: readonly Middleware[];
  /**
   * Carries rooms to other processes (worker threads, other machines). Default: the local broker,
   * which serves the rooms of this process only.
   */
  broker?: Broker;
  /**
   * Sees every error that escapes a middleware or handler, with its connection, before ProAPI
   * answers it; return `'handled'` to answer it yourself.
   * @example
   * new ProAPI({ onError: (error, { connection, stage }) => void sentry.captureException(error, { extra: { path: connection.path, stage } }) });
   */
  onError?: ErrorHook;
  /** Hooks for metrics and tracing (see {@link Instrumentation}); more can be added with `app.instrument()`. */
  instrumentation?: Instrumentation | readonly Instrumentation[];
  /**
   * Pages (the `Origin` a browser sends) that may open WebSockets on this app; others get HTTP
   * 403. A route can set its own (`@WebSocket(path, { allowedOrigins })`). Default
   * `['same-origin']`: pages served by this host, and clients that send no Origin (not browsers).
   * @example
   * new ProAPI({ allowedOrigins: ['same-origin', 'https://app.example.com', 'https://*.example.com'] });
   */
  allowedOrigins?: AllowedOrigins;
  /**
   * Prometheus metrics through prom-client, read with `app.metrics()`; `{ path: '/metrics' }` also
   * serves them. Off by default, and then nothing is counted.
   */
  metrics?: boolean | MetricsOptions;
  /** Serves the app's AsyncAPI document (`app.asyncapi()`) as JSON, e.g. `{ path: '/asyncapi.json', title: 'Chat' }`. */
  asyncapi?: ServedAsyncApiOptions;
  /**
   * `GET /healthz`: 200 while serving, 503 once `close()` has begun. On by default; `false` turns
   * it off, `{ path: '/livez' }` moves it. A route of your own at that path takes its place.
   */
  health?: HealthOption;
}

/** A gateway class; its constructor may take any arguments (a container supplies them). */
export type GatewayClass = new (...args: never[]) => object;

/** @internal */
export interface ResolvedOptions extends ConnectionLimits {
  container: GatewayContainer | undefined;
  logger: Logger;
  /** The app's `allowedOrigins`, checked. */
  allowedOrigins: AllowedOrigins;
}

/** @internal */
export function resolveOptions(options: ProAPIOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...DEFAULT_LIMITS,
    container: options.container,
    logger: options.logger ?? createDefaultLogger(),
    allowedOrigins: options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS,
  };
  OriginPolicy.compile(resolved.allowedOrigins, 'new ProAPI()');
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
  // uWS keeps a connection's lifetime on a 4-hour clock.
  if (resolved.maxLifetimeMinutes >= 240) {
    throw new RangeError(`option maxLifetimeMinutes must be below 240 (uWS counts it on a 4-hour clock), got ${resolved.maxLifetimeMinutes}`);
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
