import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { AppStats } from '../instrumentation/stats';
import { DurationHistogram } from './duration-histogram';
import { NO_ROUTE } from './metric-labels';
import { MetricsRecorder, type RouteTotals } from './metrics-recorder';
import { DEFAULT_BUCKETS, type MetricsOptions, type MetricsSnapshot } from './metrics-options';

/**
 * The app's Prometheus metrics: a {@link MetricsRecorder} counting on the hot path in plain
 * numbers, and prom-client metrics that read it at each scrape.
 * Rooms and messages the broker did not forward come from `app.stats()`.
 */
export class PrometheusMetrics {
  readonly registry: Registry;
  readonly recorder: MetricsRecorder;
  private stats: AppStats | null = null;

  constructor(
    private readonly options: MetricsOptions,
    private readonly readStats: () => Promise<AppStats>,
  ) {
    this.registry = options.registry ?? new Registry();
    const prefix = options.prefix ?? 'proapi_';
    const durations = new DurationHistogram(
      `${prefix}handler_duration_seconds`,
      'Time from dispatch to the end of each @OnMessage handler (its promise settled), by route and message type.',
      options.buckets ?? DEFAULT_BUCKETS,
      this.registry,
    );
    this.recorder = new MetricsRecorder((route, type, seconds) => durations.observe(route, type, seconds));
    this.registerCounts(prefix);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: this process's numbers, plus the peers' in fast mode. */
  async text(): Promise<string> {
    const own = await this.snapshot();
    const peers = this.options.peers ? await this.options.peers() : [];
    if (peers.length === 0) return this.registry.metrics();
    return AggregatorRegistry.aggregate([own, ...peers]).metrics();
  }

  /** This process's numbers as prom-client JSON, which `AggregatorRegistry.aggregate()` sums. */
  async snapshot(): Promise<MetricsSnapshot> {
    this.stats = await this.readStats();
    return this.registry.getMetricsAsJSON();
  }

  private registerCounts(prefix: string): void {
    const { recorder, registry } = this;
    const stats = (): AppStats | null => this.stats;
    const routes = (): [string, RouteTotals][] => [...recorder.routes];
    const served = (): [string, RouteTotals][] => routes().filter(([route]) => route !== NO_ROUTE);
    const perRoute = (name: string, help: string, read: (totals: RouteTotals) => number): void => {
      new Counter({
        name: prefix + name,
        help,
        labelNames: ['route'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [route, totals] of served()) this.inc({ route }, read(totals));
        },
      });
    };
    const byLabel = (name: string, help: string, label: string, read: (totals: RouteTotals) => ReadonlyMap<string, number>): void => {
      new Counter({
        name: prefix + name,
        help,
        labelNames: ['route', label],
        registers: [registry],
        collect() {
          this.reset();
          for (const [route, totals] of routes()) for (const [value, count] of read(totals)) this.inc({ route, [label]: value }, count);
        },
      });
    };
    const total = (name: string, help: string, read: () => number): void => {
      new Counter({
        name: prefix + name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    };

    new Gauge({
      name: `${prefix}connections`,
      help: 'Open WebSocket connections, by route.',
      labelNames: ['route'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [route, totals] of served()) this.set({ route }, totals.open);
      },
    });
    perRoute('connections_opened_total', 'Connections that completed the upgrade, by route.', (t) => t.opened);
    byLabel('connections_closed_total', 'Open connections that closed, by route and close code (3xxx, 4xxx: ranges).', 'code', (t) => t.closed.counts);
    byLabel('upgrades_refused_total', 'Upgrade requests answered with an HTTP error status, by route (none: no route matched) and status.', 'status', (t) => t.refused.counts);
    perRoute('messages_received_total', 'Messages received, by route.', (t) => t.messagesIn);
    perRoute('received_bytes_total', 'Bytes of the messages received (payload as on the wire), by route.', (t) => t.bytesIn);
    perRoute('messages_sent_total', 'Messages sent to one connection (sends and replies, not room broadcasts), by route.', (t) => t.messagesOut);
    perRoute('sent_bytes_total', 'Bytes of the messages sent to one connection, by route.', (t) => t.bytesOut);
    byLabel('errors_total', 'Errors answered, by route (none: outside a connection) and wire code (validation, internal, ...).', 'code', (t) => t.errors.counts);
    new Gauge({
      name: `${prefix}rooms`,
      help: 'Rooms with at least one member, in every process the broker reaches.',
      registers: [registry],
      aggregator: 'max', // every worker sees the same rooms through the broker: summing would count them again
      collect() {
        this.set(stats()?.rooms ?? 0);
      },
    });
    total('broadcasts_total', 'Room messages published from this process (each counted once, whatever the receivers).', () => recorder.broadcasts);
    total('broadcast_bytes_total', 'Payload bytes of those room messages, each counted once.', () => recorder.broadcastBytes);
    total('broadcast_deliveries_total', "Copies of room messages handed to this process's sockets.", () => recorder.deliveries);
    total('broker_not_forwarded_total', 'Room messages the broker could not carry to other processes.', () => stats()?.notForwarded ?? 0);
  }
}
