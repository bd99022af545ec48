import type { Middleware } from '../middleware/web-socket-middleware';
import type { AllowedOrigins } from './allowed-origins';
import { describeMiddlewares, describeRequestValues } from './describe-route';
import type { CompiledPath } from './path-pattern';
import { loopRun } from './loop-run';
import type { Route } from './route';
import type { ConnectionHandler } from './route-info';

/** The route of `app.websocket(path, handler, { middlewares })`: a function reads whatever it wants, so it declares no request values. */
export function functionRoute(
  path: string,
  compiled: CompiledPath,
  handler: ConnectionHandler,
  middlewares: readonly Middleware[],
  allowedOrigins?: AllowedOrigins,
): Route {
  const handlerName = handler.name || 'anonymous';
  return {
    path,
    compiled,
    ...(allowedOrigins && { allowedOrigins }),
    gatewayName: '(function)',
    handlerName,
    middlewares: [...middlewares],
    run: loopRun(handler, handlerName),
    sink: null,
    stages: [],
    observers: [],
    descriptor: {
      path,
      ...describeRequestValues(compiled, [], path),
      gateway: null,
      style: 'function',
      connect: handlerName,
      disconnect: null,
      middlewares: describeMiddlewares(middlewares),
      discriminator: null,
      idField: null,
      messages: [],
      emits: [],
    },
  };
}
