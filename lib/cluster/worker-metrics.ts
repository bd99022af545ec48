import type { MetricsOptions } from '../metrics/metrics-options';
import type { FastWorker } from './fast-worker';

/**
 * The `metrics` option as fast mode needs it: unless the app sums other processes itself
 * (`peers`), a scrape in a worker also asks the other workers for their numbers, so one scrape
 * of any worker counts the whole app. Outside fast mode there are no peers and nothing changes.
 */
export function withWorkerPeers(
  option: boolean | MetricsOptions | undefined,
  worker: () => FastWorker | null,
): boolean | MetricsOptions | undefined {
  if (option === undefined || option === false) return option;
  const options = option === true ? {} : option;
  if (options.peers) return options;
  return { ...options, peers: async () => (await worker()?.metricsOfPeers()) ?? [] };
}
