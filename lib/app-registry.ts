import { AppRoomApi } from './app-room-api';
import type { Registration } from './app-instances';
import type { WebSocketRouteOptions } from './app-options';
import type { UserData } from './connection/user-data';
import { RouteDefinitionError } from './errors';
import type { HttpHandler, HttpRoute } from './http-route';
import type { Instrumentation } from './instrumentation/instrumentation';
import { assertMiddleware } from './middleware/resolve-middleware';
import type { Middleware } from './middleware/web-socket-middleware';
import type { GatewayClass } from './options';
import { functionRoute } from './routing/function-route';
import { compilePath } from './routing/path-pattern';
import type { ConnectionHandler } from './routing/route-info';

/**
 * What an app is told before `listen()`: its gateways, function and HTTP routes, global middleware
 * and instrumentation. Every addition is checked at once, and refused once the table is sealed.
 */
export abstract class AppRegistry extends AppRoomApi {
  /** @internal */ protected readonly registrations: Registration[] = [];
  /** @internal */ protected readonly httpRoutes: HttpRoute[] = [];
  /** @internal */ protected globalMiddlewares: readonly Middleware[] = [];
  /** @internal */ protected readonly instrumentations: Instrumentation[] = [];

  /** @internal Whether the route table is built: nothing can be added any more. */
  protected abstract get sealed(): boolean;

  /**
   * Middleware every WebSocket route runs first, in this order; class and
   * method middleware follow. Set it (or call {@link use}) before `listen()`; the array it returns
   * is frozen, so every change goes through the checks of the setter.
   * @example
   * app.websocketMiddlewares = [new LoggingMiddleware()];
   */
  get websocketMiddlewares(): readonly Middleware[] {
    return this.globalMiddlewares;
  }

  set websocketMiddlewares(middlewares: readonly Middleware[]) {
    this.assertNotSealed('websocketMiddlewares');
    if (!Array.isArray(middlewares)) throw new TypeError('app.websocketMiddlewares must be an array of middleware');
    middlewares.forEach((m: unknown, i) => assertMiddleware(m, `app.websocketMiddlewares[${i}]`));
    this.globalMiddlewares = Object.freeze([...middlewares]);
  }

  /**
   * Appends global WebSocket middleware (see {@link websocketMiddlewares}).
   * @example
   * app.use(new LoggingMiddleware(), async (ws, next) => next());
   */
  use(...middlewares: Middleware[]): this {
    this.websocketMiddlewares = [...this.globalMiddlewares, ...middlewares];
    return this;
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
   * app.websocket('/secure', secureHandler, { middlewares: [new AuthMiddleware(authenticate)] });
   */
  websocket<TUserData extends object = UserData>(
    path: string,
    handler: ConnectionHandler<TUserData>,
    options: WebSocketRouteOptions = {},
  ): this {
    this.assertNotSealed(path);
    const compiled = compilePath(path);
    if (typeof compiled === 'string') throw new RouteDefinitionError(`app.websocket(): ${compiled}`);
    if (typeof handler !== 'function') throw new RouteDefinitionError(`app.websocket('${path}'): handler must be a function`);
    const middlewares = options.middlewares ?? [];
    middlewares.forEach((m: unknown, i) => assertMiddleware(m, `app.websocket('${path}') middlewares[${i}]`));
    // userData starts empty for every connection; its type is the handler's to declare.
    const route = functionRoute(path, compiled, handler as unknown as ConnectionHandler, middlewares);
    this.registrations.push({ kind: 'function', route });
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

  /**
   * Adds hooks for metrics and tracing, before `listen()`.
   * @example
   * app.instrument({ connectionOpened: (route) => opened.inc({ route }) });
   */
  instrument(instrumentation: Instrumentation): this {
    this.assertNotSealed('instrumentation');
    this.instrumentations.push(instrumentation);
    return this;
  }

  /** @internal */
  protected assertNotSealed(what: string): void {
    if (this.sealed) {
      throw new RouteDefinitionError(`cannot add ${what} after listen(); register every route before calling listen()`);
    }
  }
}
