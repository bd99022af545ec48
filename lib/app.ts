import { UwsAdapter } from './adapter/uws.adapter';
import { runConnection } from './connection/connection-runner';
import { RouteDefinitionError } from './errors';
import type { HttpHandler, HttpRoute } from './http-route';
import type { Logger } from './logger';
import { resolveOptions, type GatewayClass, type ProAPIOptions, type ResolvedOptions } from './options';
import { compilePath } from './routing/path-pattern';
import { scanGateway } from './routing/gateway-scanner';
import type { ConnectionHandler, Route, RouteInfo } from './routing/route';
import { buildRouteTable, describeRoute } from './routing/route-table';

export interface RunOptions {
  /** Default: `PORT` from the environment, else 8000. */
  port?: number;
  /** Default: `HOST` from the environment, else `0.0.0.0`. */
  host?: string;
  /** Use every core (multi-process). Not available yet: logs so and runs on one core. */
  fast?: boolean;
}

type Registration = { kind: 'gateway'; gateway: GatewayClass | object } | { kind: 'function'; route: Route };

/**
 * A ProAPI application: gateways and function handlers on one uWebSockets.js server.
 * @example
 * const app = new ProAPI({ gateways: [ChatGateway] });
 * app.websocket('/ws', async (ws) => { await ws.accept(); await ws.sendText('hello'); });
 * const port = await app.listen(8000);
 */
export class ProAPI {
  private readonly options: ResolvedOptions;
  private readonly registrations: Registration[] = [];
  private readonly httpRoutes: HttpRoute[] = [];
  private readonly instances = new Map<GatewayClass, object>();
  private adapter: UwsAdapter | null = null;
  private table: readonly Route[] | null = null;
  private removeSignalHandlers: (() => void) | undefined;

  constructor(options: ProAPIOptions = {}) {
    this.options = resolveOptions(options);
    UwsAdapter.checkNativeBinary(this.options.logger);
    for (const gateway of options.gateways ?? []) this.register(gateway);
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** Adds a gateway class (built by the container, or `new Gateway()`) or a ready instance. */
  register(gateway: GatewayClass | object): this {
    this.assertNotSealed(typeof gateway === 'function' ? gateway.name : gateway.constructor.name);
    this.registrations.push({ kind: 'gateway', gateway });
    return this;
  }

  /**
   * Adds a function-style route.
   * @example
   * app.websocket('/chat/:room', async (ws) => { await ws.accept(); await ws.sendText(ws.params.room); });
   */
  websocket<TUserData extends object = Record<string, unknown>>(path: string, handler: ConnectionHandler<TUserData>): this {
    this.assertNotSealed(path);
    const compiled = compilePath(path);
    if (typeof compiled === 'string') throw new RouteDefinitionError(`app.websocket(): ${compiled}`);
    if (typeof handler !== 'function') throw new RouteDefinitionError(`app.websocket('${path}'): handler must be a function`);
    this.registrations.push({
      kind: 'function',
      route: { path, compiled, gatewayName: '(function)', handlerName: handler.name || 'anonymous', handle: handler },
    });
    return this;
  }

  /** Serves a plain HTTP GET route, e.g. a page that opens the WebSocket. */
  get(path: string, handler: HttpHandler): this {
    this.assertNotSealed(path);
    const compiled = compilePath(path);
    if (typeof compiled === 'string') throw new RouteDefinitionError(`app.get(): ${compiled}`);
    this.httpRoutes.push({ method: 'get', path, handler });
    return this;
  }

  /** The route table: scans every registered gateway (without starting a server). */
  get routes(): readonly RouteInfo[] {
    return this.buildRoutes().map(describeRoute);
  }

  /** Boots the app: scans gateways, seals the route table, listens. Resolves with the bound port. */
  async listen(port = 0, host = '0.0.0.0'): Promise<number> {
    if (this.adapter) throw new Error('listen() was already called on this app');
    const table = this.buildRoutes();
    this.table = table;
    const logger = this.options.logger;
    this.adapter = new UwsAdapter(this.options, (ws, route) => runConnection(ws, route, logger));
    this.adapter.mount(table, this.httpRoutes);
    for (const route of table) {
      logger.info({ method: 'WS', ...describeRoute(route) }, `route WS ${route.path} -> ${route.gatewayName}.${route.handlerName}`);
    }
    for (const route of this.httpRoutes) logger.info({ method: 'GET', path: route.path }, `route GET ${route.path}`);
    return this.adapter.listen(port, host);
  }

  /** The port the app listens on (0 before `listen()`). */
  get port(): number {
    return this.adapter?.serverPort ?? 0;
  }

  /** Stops listening, closes every connection with 1001 and waits for handlers to finish. */
  async close(): Promise<void> {
    this.removeSignalHandlers?.();
    this.removeSignalHandlers = undefined;
    await this.adapter?.close();
  }

  /**
   * The spec's one-liner: listen, print the URL, close gracefully on SIGINT/SIGTERM.
   * @example
   * app.run({ port: 8000 });
   */
  async run(options: RunOptions = {}): Promise<number> {
    if (options.fast) {
      this.options.logger.warn('fast mode (one worker per core) is not available yet; running on one core');
    }
    const port = await this.listen(options.port ?? Number(process.env.PORT ?? 8000), options.host ?? process.env.HOST ?? '0.0.0.0');
    const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
    console.log(`listening on ws://${host}:${port}`);
    const shutdown = (): void => void this.close();
    process.once('SIGINT', shutdown).once('SIGTERM', shutdown);
    this.removeSignalHandlers = () => process.off('SIGINT', shutdown).off('SIGTERM', shutdown);
    return port;
  }

  private buildRoutes(): readonly Route[] {
    if (this.table) return this.table;
    const routes = this.registrations.map((registration) =>
      registration.kind === 'function' ? registration.route : scanGateway(this.instanceOf(registration.gateway)),
    );
    return buildRouteTable(routes);
  }

  private instanceOf(gateway: GatewayClass | object): object {
    if (typeof gateway !== 'function') return gateway;
    const cls = gateway as GatewayClass;
    let instance = this.instances.get(cls);
    if (!instance) {
      instance = this.options.container ? this.options.container.get(cls) : new cls();
      this.instances.set(cls, instance);
    }
    return instance;
  }

  private assertNotSealed(what: string): void {
    if (this.table) {
      throw new RouteDefinitionError(`cannot add ${what} after listen(); register every route before calling listen()`);
    }
  }
}
