import { UwsAdapter } from './adapter/uws.adapter';
import type { AsyncApiDocument, AsyncApiOptions } from './asyncapi/asyncapi-document';
import { buildAsyncApi } from './asyncapi/build-asyncapi';
import { serveAsyncApi } from './asyncapi/serve-asyncapi';
import type { Broker } from './broker/broker';
import { LocalBroker } from './broker/local.broker';
import type { ErrorHook } from './connection/error-hook';
import type { HttpRoute } from './http-route';
import { StatsCounters, type AppStats } from './instrumentation/stats';
import type { Logger } from './logger';
import { healthRoute } from './metrics/health-route';
import type { MetricsSnapshot } from './metrics/metrics-options';
import type { PrometheusMetrics } from './metrics/prometheus-metrics';
import { requireMetrics, setUpMetrics } from './metrics/set-up-metrics';
import { warnIfTransformerStorageMissing } from './messages/dto-validator';
import { Cluster, workerCount, workerTimeout } from './cluster/cluster';
import { fastWorker, type FastWorker, type WorkerApp } from './cluster/fast-worker';
import { withWorkerPeers } from './cluster/worker-metrics';
import { usesWorkerBroker } from './cluster/worker-broker-rule';
import { resolveOptions, type ProAPIOptions, type ResolvedOptions } from './options';
import type { AppDescriptor } from './routing/route-descriptor';
import type { AppRooms } from './app-room-api';
import { AppRegistry } from './app-registry';
import type { Route } from './routing/route';
import type { RouteInfo } from './routing/route-info';
import { describeApp, describeRoute } from './routing/route-table';
import { AppRuntime } from './runtime/app-runtime';
import { AppInstances } from './app-instances';
import { logRouteTable } from './routing/log-routes';
import type { RunOptions } from './app-options';

export type { RunOptions, WebSocketRouteOptions } from './app-options';


/**
 * A ProAPI application: gateways and function handlers on one uWebSockets.js server.
 * @example
 * const app = new ProAPI({ gateways: [ChatGateway] });
 * app.websocket('/ws', async (ws) => { await ws.accept(); await ws.sendText('hello'); });
 * const port = await app.listen(8000);
 */
export class ProAPI extends AppRegistry {
  private readonly options: ResolvedOptions;
  private readonly instances: AppInstances;
  private broker: Broker;
  private readonly onError: ErrorHook | undefined;
  private readonly counters = new StatsCounters();
  private readonly prometheus: PrometheusMetrics | null;
  private readonly health: HttpRoute | null;
  private runtime: AppRuntime | null = null;
  /** Fast mode, main thread: the workers. */
  private cluster: Cluster | null = null;
  /** Fast mode, in a worker thread: this worker. */
  private fast: FastWorker | null = null;
  private table: readonly Route[] | null = null;

  /** @internal */
  protected get sealed(): boolean {
    return this.table !== null;
  }
  private removeSignalHandlers: (() => void) | undefined;
  private closed = false;

  constructor(options: ProAPIOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.instances = new AppInstances(this.options);
    this.broker = options.broker ?? new LocalBroker();
    this.onError = options.onError;
    UwsAdapter.checkNativeBinary(this.options.logger);
    warnIfTransformerStorageMissing(this.options.logger);
    if (options.websocketMiddlewares) this.websocketMiddlewares = options.websocketMiddlewares;
    if (options.instrumentation) this.instrumentations.push(...[options.instrumentation].flat());
    for (const gateway of options.gateways ?? []) this.register(gateway);
    const metricsHost = { instrument: this.instrument.bind(this), get: this.get.bind(this), stats: () => this.statsToScrape() };
    this.prometheus = setUpMetrics(withWorkerPeers(options.metrics, () => this.fast), metricsHost);
    if (options.asyncapi) serveAsyncApi(this, options.asyncapi);
    this.health = healthRoute(options.health, () => this.closed);
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** The route table: scans every registered gateway (without starting a server). */
  get routes(): readonly RouteInfo[] {
    return this.buildRoutes().map(describeRoute);
  }

  /**
   * A frozen description of every WebSocket route: path and parameters, middleware, handlers,
   * message types with their DTO and reply classes, and declared pushes. Scans the gateways
   * without starting a server; what API documents and client generators read.
   * @example
   * for (const route of app.describe().routes) console.log(route.path, route.messages.map((m) => m.type));
   */
  describe(): AppDescriptor {
    return describeApp(this.buildRoutes());
  }

  /** @internal */
  protected get roomHub(): AppRooms | null {
    return this.runtime?.rooms ?? this.cluster?.rooms ?? null;
  }

  /** @internal */
  protected get roomLimits(): ResolvedOptions {
    return this.options;
  }

  /** Boots the app: scans gateways, seals the route table, starts the broker, listens. Resolves with the bound port. */
  async listen(port = 0, host = '0.0.0.0'): Promise<number> {
    return this.listenOn(port, host, true);
  }

  private async listenOn(port: number, host: string, checkPortFree: boolean): Promise<number> {
    if (this.closed) throw new Error('listen() after close(): an app listens once; build a new app (e.g. createApp()) to serve again');
    if (this.runtime) throw new Error('listen() was already called on this app');
    const table = this.buildRoutes();
    this.table = table;
    if (this.health && !this.httpRoutes.some((r) => r.path === this.health?.path)) this.httpRoutes.push(this.health);
    const { logger } = this.options;
    const runtime = new AppRuntime({
      options: this.options,
      routes: table,
      httpRoutes: this.httpRoutes,
      broker: this.broker,
      stats: this.counters,
      instrumentations: this.instrumentations,
      onError: this.onError,
    });
    this.runtime = runtime;
    logRouteTable(logger, table, this.httpRoutes);
    try {
      return await runtime.listen(port, host, checkPortFree);
    } catch (error) {
      this.runtime = null; // so listen() can be tried again, e.g. on another port
      throw error;
    }
  }

  /**
   * The port the app listens on: 0 before `listen()` has bound one. It keeps that value after
   * `close()`, for logs; check {@link listening} to know whether the app still serves.
   */
  get port(): number {
    return this.runtime?.adapter.serverPort ?? this.cluster?.servingPort ?? 0;
  }

  /**
   * Whether the app is serving: true from a successful `listen()` until `close()`.
   * @example
   * if (!app.listening) await app.listen(0);
   */
  get listening(): boolean {
    return this.port !== 0 && !this.closed;
  }

  /** Stops listening, closes every connection with 1001, waits for handlers to finish, stops the broker. */
  async close(): Promise<void> {
    if (this.runtime || this.cluster) this.closed = true;
    this.removeSignalHandlers?.();
    this.removeSignalHandlers = undefined;
    await this.runtime?.close();
    await this.cluster?.stop();
  }

  /**
   * Live totals since the app was built: connections, rooms, messages and bytes in and out,
   * errors by code, refused upgrades by status.
   * @example
   * app.get('/stats', async () => ({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(await app.stats()) }));
   */
  async stats(): Promise<AppStats> {
    if (this.fast && this.runtime) return this.fast.stats();
    if (this.cluster) return (await this.cluster.rooms.stats()) ?? this.counters.snapshot(0);
    return this.runtime ? this.runtime.stats() : this.counters.snapshot(0);
  }

  /**
   * What a metrics scrape reads: in a fast-mode worker, the app's rooms but this worker's own
   * count of messages not forwarded, since a scrape sums every worker's snapshot.
   */
  private async statsToScrape(): Promise<AppStats> {
    const stats = await this.stats();
    return this.fast && this.runtime ? { ...stats, notForwarded: this.counters.snapshot(0).notForwarded } : stats;
  }

  /**
   * The Prometheus exposition text (prom-client) of the app's metrics: connections, messages and
   * bytes, handler durations, errors, refused upgrades, rooms, broadcasts. Needs the `metrics` option.
   * @example
   * const app = new ProAPI({ metrics: true });
   * app.get('/internal/metrics', () => app.metrics());
   */
  async metrics(): Promise<string> {
    return requireMetrics(this.prometheus, 'metrics()').text();
  }

  /** This process's metrics as prom-client JSON, for another worker to sum in its scrape (`metrics.peers`). */
  async metricsSnapshot(): Promise<MetricsSnapshot> {
    return requireMetrics(this.prometheus, 'metricsSnapshot()').snapshot();
  }

  /**
   * The app's AsyncAPI 3.0 document: a channel per route, its message types with DTO schemas,
   * replies, pushes and the error frame, and AuthMiddleware's security schemes. Built without a server.
   * @example
   * writeFileSync('asyncapi.json', JSON.stringify(app.asyncapi({ title: 'Chat', version: '2.1.0' }), null, 2));
   */
  asyncapi(options: AsyncApiOptions = {}): AsyncApiDocument {
    return buildAsyncApi(this.describe(), options);
  }

  /**
   * Listens, prints the URL, and closes gracefully on SIGINT/SIGTERM: the one-liner for a main module.
   * @example
   * app.run({ port: 8000 });
   */
  async run(options: RunOptions = {}): Promise<number> {
    const worker = fastWorker();
    if (worker) {
      // Fast mode re-ran the program in this worker thread: the main thread chose port and host.
      this.fast = worker;
      return worker.serve(this.asWorkerApp());
    }
    const port = options.port ?? Number(process.env.PORT ?? 8000);
    const host = options.host ?? process.env.HOST ?? '0.0.0.0';
    const bound = options.fast ? await this.startCluster(port, host, options) : await this.listen(port, host);
    const shown = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
    console.log(`listening on ws://${shown}:${bound}`);
    if (!options.fast) {
      const shutdown = (): void => void this.close();
      process.once('SIGINT', shutdown).once('SIGTERM', shutdown);
      this.removeSignalHandlers = () => process.off('SIGINT', shutdown).off('SIGTERM', shutdown);
    }
    return bound;
  }

  private async startCluster(port: number, host: string, { workers, workerTimeoutMs }: RunOptions): Promise<number> {
    if (this.closed || this.runtime || this.cluster) throw new Error('run() was already called on this app');
    const { logger, shutdownTimeoutMs } = this.options;
    const viaBroker = !usesWorkerBroker(this.broker);
    const counts = { workers: workerCount(workers, logger), workerTimeoutMs: workerTimeout(workerTimeoutMs) };
    const cluster = (this.cluster = new Cluster({ port, host, ...counts, logger, shutdownTimeoutMs, viaBroker }));
    await cluster.start();
    return cluster.servingPort;
  }

  private asWorkerApp(): WorkerApp {
    return {
      logger: this.options.logger,
      swapBroker: (choose) => (this.broker = choose(this.broker)),
      listen: (port, host) => this.listenOn(port, host, false),
      close: () => this.close(),
      abort: () => this.runtime?.adapter.abort(),
      localStats: () => this.counters.snapshot(this.runtime?.rooms.localRooms().length ?? 0),
      deliver: (room, data, isBinary) => this.runtime?.rooms.deliver(room, data, isBinary),
      publish: (room, data, isBinary) => this.runtime?.rooms.publish(room, data, isBinary, null),
      notForwarded: (count) => this.runtime?.rooms.notForwarded(count),
      roomSize: (room) => this.getRoomSize(room),
      rooms: () => this.getRooms(),
      metricsSnapshot: () => this.prometheus?.snapshot() ?? null,
    };
  }

  private buildRoutes(): readonly Route[] {
    return (this.table ??= this.instances.buildRoutes(this.registrations, this.globalMiddlewares));
  }

}
