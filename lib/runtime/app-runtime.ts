import { UwsAdapter, type MountedRoute } from '../adapter/uws.adapter';
import type { Broker } from '../broker/broker';
import { answerError } from '../connection/answer-error';
import type { ErrorHook } from '../connection/error-hook';
import type { AppContext, RouteContext } from '../connection/connection-context';
import { WebSocketConnection } from '../connection/web-socket-connection';
import type { HttpRoute } from '../http-route';
import type { Instrumentation } from '../instrumentation/instrumentation';
import { Probe } from '../instrumentation/probe';
import type { AppStats, StatsCounters } from '../instrumentation/stats';
import type { ResolvedOptions } from '../options';
import { RoomHub } from '../rooms/room-hub';
import { OriginPolicy } from '../routing/allowed-origins';
import type { Route } from '../routing/route';
import { HandlerSupervisor } from './handler-supervisor';

/** What one listening app is made of; built by `listen()`, torn down by `close()`. */
export interface RuntimeParts {
  readonly options: ResolvedOptions;
  readonly routes: readonly Route[];
  readonly httpRoutes: readonly HttpRoute[];
  readonly broker: Broker;
  readonly stats: StatsCounters;
  readonly instrumentations: readonly Instrumentation[];
  readonly onError: ErrorHook | undefined;
}

/**
 * A listening app: the transport, the rooms, and one context per route that every connection of
 * the route shares. The data flows one way: the adapter hands each upgrade to a route, which
 * builds the connection and runs its handler; the connection calls the transport and the rooms.
 */
export class AppRuntime {
  readonly adapter: UwsAdapter;
  readonly rooms: RoomHub;
  private readonly supervisor = new HandlerSupervisor();
  private closing = false;

  constructor(private readonly parts: RuntimeParts) {
    const { options, stats, broker, instrumentations, onError } = parts;
    const probe = new Probe(instrumentations, options.logger);
    this.adapter = new UwsAdapter(options, {
      upgradeRefused(route, status) {
        stats.refused(status);
        if (probe.upgradeRefused !== null) probe.upgradeRefused(route, status);
      },
      slowReceiver(route) {
        stats.error('slow_receiver');
        if (probe.error !== null) probe.error(route, 'slow_receiver');
      },
    });
    this.rooms = new RoomHub(this.adapter.topics, broker, options.maxRoomsPerConnection, stats, probe, options.logger);
    const app: AppContext<WebSocketConnection> = {
      settings: options,
      transport: this.adapter,
      server: this.adapter,
      rooms: this.rooms,
      stats,
      probe,
      answerError: (ws, error, site) => answerError(ws, error, site, onError, stats, probe),
    };
    this.adapter.mount(
      parts.routes.map((route) => this.mountable(route, app)),
      parts.httpRoutes,
    );
  }

  async listen(port: number, host: string, checkPortFree = true): Promise<number> {
    await this.parts.broker.start(this.rooms);
    return this.adapter.listen(port, host, checkPortFree);
  }

  /** True from the moment `close()` is called: upgrades get 503, and a health check should say so. */
  get draining(): boolean {
    return this.closing;
  }

  /**
   * Shuts down within `shutdownTimeoutMs`: refuses new upgrades (503), closes each connection with
   * 1001 once what it was sent has drained, gives the clients a moment to answer, waits for the
   * handlers, then stops the broker and the server.
   */
  async close(): Promise<void> {
    const { options, broker } = this.parts;
    const deadline = performance.now() + options.shutdownTimeoutMs;
    this.closing = true;
    this.adapter.beginShutdown();
    await this.adapter.drainConnections(deadline);
    await Promise.all([this.supervisor.whenIdle(deadline, options.shutdownTimeoutMs, options.logger), this.adapter.linger(deadline)]);
    await broker.stop().catch((error: unknown) => options.logger.error({ err: error, broker: broker.name }, 'broker did not stop cleanly'));
    await this.adapter.shutdown();
  }

  async stats(): Promise<AppStats> {
    return this.parts.stats.snapshot((await this.rooms.rooms()).length);
  }

  private mountable(route: Route, app: AppContext<WebSocketConnection>): MountedRoute<WebSocketConnection> {
    const context: RouteContext<WebSocketConnection> = {
      path: route.path,
      app,
      stages: route.stages,
      observers: route.observers,
      sink: route.sink,
    };
    const { supervisor } = this;
    return {
      path: route.path,
      compiled: route.compiled,
      origins: OriginPolicy.compile(route.allowedOrigins ?? this.parts.options.allowedOrigins, `route ${route.path}`),
      connect: (request, handshake) => WebSocketConnection.create(context, request, handshake),
      start: (ws) => {
        supervisor.started();
        route.run(ws, supervisor.finished);
      },
    };
  }
}
