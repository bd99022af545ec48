import { MetadataKey, type MiddlewareRecord } from '../lib/metadata/records';
import { appendRecord } from '../lib/metadata/metadata-store';
import { assertMiddleware } from '../lib/middleware/resolve-middleware';
import type { Middleware } from '../lib/middleware/web-socket-middleware';

/**
 * Runs middleware around a gateway's connections: on the class for all its connections, on the
 * `@OnConnect()` method for that handler. The chain is the app's global middleware, then the
 * class's, then the method's, each in the order written (stacked decorators read top to bottom).
 * @example
 * @WebSocket('/admin')
 * @UseMiddleware(new LoggingMiddleware())
 * class AdminGateway {
 *   @OnConnect()
 *   @UseMiddleware(new AuthMiddleware(verifyAdmin))
 *   async connect(ws: WebSocketConnection) { await ws.accept(); }
 * }
 */
export function UseMiddleware(...middlewares: Middleware[]): ClassDecorator & MethodDecorator {
  return (target: object, propertyKey?: string | symbol) => {
    const where = `@UseMiddleware() on ${describeTarget(target, propertyKey)}`;
    middlewares.forEach((middleware, i) => assertMiddleware(middleware, `${where}, argument ${i + 1}`));
    appendRecord<MiddlewareRecord>(MetadataKey.MIDDLEWARE, target, { propertyKey, middlewares });
  };
}

function describeTarget(target: object, propertyKey: string | symbol | undefined): string {
  if (propertyKey === undefined) return (target as { name?: string }).name ?? 'a class';
  return `${target.constructor.name}.${String(propertyKey)}`;
}
