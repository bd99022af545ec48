import type { Registry } from 'prom-client';

/** This process's metrics as prom-client's JSON (`registry.getMetricsAsJSON()`), for summing across workers. */
export type MetricsSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/**
 * `new ProAPI({ metrics: true })` or `{ metrics: { path: '/metrics', ... } }`: Prometheus metrics
 * through prom-client. Off by default, and then nothing is registered and nothing is counted.
 */
export interface MetricsOptions {
  /** Serves the metrics at `GET <path>` (e.g. `/metrics`). Default: not served; read `app.metrics()`. */
  readonly path?: string;
  /** Prefix of every metric name. Default `proapi_`. */
  readonly prefix?: string;
  /** Buckets of the handler duration histogram, in seconds. Default 0.1 ms to 10 s. */
  readonly buckets?: readonly number[];
  /** A prom-client registry to add the metrics to (beside your own). Default: one of the app's own. */
  readonly registry?: Registry;
  /** Also prom-client's default process metrics (CPU, memory, event loop lag, ...). Default false. */
  readonly processMetrics?: boolean;
  /**
   * Snapshots of other processes (in fast mode, the other workers' `app.metricsSnapshot()`),
   * summed with this one's at each scrape, so one scrape gives the whole server's numbers.
   */
  readonly peers?: () => Promise<readonly MetricsSnapshot[]>;
}

export const DEFAULT_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
