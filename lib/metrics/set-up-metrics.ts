import type { HttpHandler } from '../http-route';
import type { Instrumentation } from '../instrumentation/instrumentation';
import type { AppStats } from '../instrumentation/stats';
import type { MetricsOptions } from './metrics-options';
import type { PrometheusMetrics } from './prometheus-metrics';

/** What metrics need from the app. */
export interface MetricsHost {
  instrument(instrumentation: Instrumentation): unknown;
  get(path: string, handler: HttpHandler): unknown;
  stats(): Promise<AppStats>;
}

/**
 * Builds the app's Prometheus metrics when the `metrics` option asks for them, and mounts them at
 * `GET <path>` if it names one. Without the option nothing is loaded or registered: no hook, no cost.
 */
export function setUpMetrics(option: boolean | MetricsOptions | undefined, app: MetricsHost): PrometheusMetrics | null {
  if (option === undefined || option === false) return null;
  const options = option === true ? {} : option;
  // Loaded only when asked for: prom-client is not needed otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PrometheusMetrics: Metrics } = require('./prometheus-metrics') as typeof import('./prometheus-metrics');
  const metrics = new Metrics(options, () => app.stats());
  app.instrument(metrics.recorder);
  if (options.path !== undefined) {
    app.get(options.path, async () => ({ headers: { 'Content-Type': metrics.contentType }, body: await metrics.text() }));
  }
  return metrics;
}

/** The app's metrics, or a clear error when they are off. */
export function requireMetrics(metrics: PrometheusMetrics | null, call: string): PrometheusMetrics {
  if (metrics === null) throw new Error(`app.${call}: metrics are off; create the app with new ProAPI({ metrics: true }) (or { metrics: { path: '/metrics' } })`);
  return metrics;
}
