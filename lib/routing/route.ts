import type { WebSocketConnection } from '../connection/web-socket-connection';
import type { Middleware } from '../middleware/web-socket-middleware';
import type { CompiledPath } from './path-pattern';
import type { RouteDescriptor } from './route-descriptor';

/** What runs for each connection on a route: it owns the connection until it settles. */
export type ConnectionHandler<TUserData extends object = Record<string, unknown>> = (
  ws: WebSocketConnection<TUserData>,
) => unknown;

/** One row of the route table, built once at boot. */
export interface Route {
  /** The path as declared, e.g. `/chat/:room`. */
  readonly path: string;
  readonly compiled: CompiledPath;
  /** The gateway class name, or `(function)` for `app.websocket()` routes. */
  readonly gatewayName: string;
  readonly handlerName: string;
  /** The route's middleware: as declared until boot, then the whole chain (global, class, method). */
  readonly middlewares: readonly Middleware[];
  /** The handler, wrapped in the middleware chain when there is one. */
  readonly handle: ConnectionHandler;
  /** What the scanner learned; its middleware list, like {@link middlewares}, is the whole chain once the table is built. */
  readonly descriptor: RouteDescriptor;
}

/** The printable part of a route, for boot logs and `proapi routes`. */
export interface RouteInfo {
  readonly path: string;
  readonly gateway: string;
  readonly handler: string;
  /** Names of the middleware the connection passes through, in order. */
  readonly middlewares: readonly string[];
}
