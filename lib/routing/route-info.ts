import type { UserData } from '../connection/user-data';
import type { WebSocketConnection } from '../connection/web-socket-connection';

/** What runs for each connection on a function route: it owns the connection until it settles. */
export type ConnectionHandler<TUserData extends object = UserData> = (ws: WebSocketConnection<TUserData>) => unknown;

/** The printable part of a route, for boot logs and `proapi routes`. */
export interface RouteInfo {
  readonly path: string;
  readonly gateway: string;
  readonly handler: string;
  /** Names of the middleware the connection passes through, in order. */
  readonly middlewares: readonly string[];
}
