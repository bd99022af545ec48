import type { InboundStage, MessageSink, SendObserver } from '../connection/connection-context';
import type { HandlerFinish } from '../connection/connection-core';
import type { WebSocketConnection } from '../connection/web-socket-connection';
import type { Middleware } from '../middleware/web-socket-middleware';
import type { AllowedOrigins } from './allowed-origins';
import type { CompiledPath } from './path-pattern';
import type { RouteDescriptor } from './route-descriptor';


/** Runs one connection of a route and calls `finish` once its handler is over, however. Never throws. */
export type RouteRun = (ws: WebSocketConnection, finish: HandlerFinish) => void;

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
  readonly run: RouteRun;
  /** Takes each message as it arrives (`@OnMessage` dispatch); null for loop-style handlers. */
  readonly sink: MessageSink<WebSocketConnection> | null;
  /** The middleware's `onMessage()` hooks, in chain order. */
  readonly stages: readonly InboundStage<WebSocketConnection>[];
  /** The middleware's `onSend()` hooks, in chain order. */
  readonly observers: readonly SendObserver<WebSocketConnection>[];
  /** The pages that may open this route, when it sets its own (else the app's `allowedOrigins`). */
  readonly allowedOrigins?: AllowedOrigins;
  /** What the scanner learned; its middleware list, like {@link middlewares}, is the whole chain once the table is built. */
  readonly descriptor: RouteDescriptor;
}
