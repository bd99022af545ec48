import type { Metric, Registry } from 'prom-client';

/** One series: counts per bucket (the last one past every bound), their sum and count. */
interface Series {
  readonly labels: { readonly route: string; readonly type: string };
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName: string;
}

/**
 * The handler duration histogram, by route and message type. prom-client's own `Histogram`
 * costs about a microsecond per observation (it builds and hashes a label object each time),
 * which is a tenth of an `@OnMessage` echo; here an observation is a short loop and three
 * additions on plain numbers. It registers in the prom-client registry the way prom-client's
 * `AggregatorRegistry` registers its own metrics: an object whose `get()` returns the metric in
 * prom-client's JSON form, so `registry.metrics()`, `getMetricsAsJSON()` and aggregation across
 * workers treat it like any histogram.
 */
export class DurationHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Map<string, Series>>();
  /** The series of the last observation: a gateway's messages are mostly of one route and few types. */
  private last: Series | null = null;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    if (bounds.length === 0 || bounds.some((bound, i) => !Number.isFinite(bound) || (i > 0 && bound <= bounds[i - 1]))) {
      throw new RangeError(`metrics buckets must be finite numbers of seconds in increasing order, got [${bounds.join(', ')}]`);
    }
    // prom-client's registries take any metric-shaped object; its types only name its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  observe(route: string, type: string, seconds: number): void {
    const last = this.last;
    const series = last !== null && last.labels.route === route && last.labels.type === type ? last : this.seriesOf(route, type);
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && seconds > bounds[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  private seriesOf(route: string, type: string): Series {
    let byType = this.series.get(route);
    if (byType === undefined) this.series.set(route, (byType = new Map()));
    let series = byType.get(type);
    if (series === undefined) {
      series = { labels: { route, type }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      byType.set(type, series);
    }
    this.last = series;
    return series;
  }

  /** The metric in prom-client's JSON form: cumulative `_bucket`s with `le`, then `_sum` and `_count`. */
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[] }> {
    const values: Sample[] = [];
    for (const byType of this.series.values()) {
      for (const { labels, counts, sum, count } of byType.values()) {
        let cumulative = 0;
        this.bounds.forEach((bound, i) => {
          cumulative += counts[i];
          values.push({ value: cumulative, labels: { ...labels, le: bound }, metricName: `${this.name}_bucket` });
        });
        values.push({ value: count, labels: { ...labels, le: '+Inf' }, metricName: `${this.name}_bucket` });
        values.push({ value: sum, labels: { ...labels }, metricName: `${this.name}_sum` });
        values.push({ value: count, labels: { ...labels }, metricName: `${this.name}_count` });
      }
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** `registry.resetMetrics()`. */
  reset(): void {
    this.series.clear();
    this.last = null;
  }
}
