import { RouteDefinitionError } from '../errors';
import type { MiddlewareClass, WebSocketMiddleware } from './web-socket-middleware';

/**
 * Builds a middleware class without a container. A constructor that declares parameters would
 * get none, so it is a boot error that says how to supply them.
 */
export function constructMiddleware(cls: MiddlewareClass): WebSocketMiddleware {
  if (cls.length > 0) {
    throw new RouteDefinitionError(
      `middleware class ${cls.name || '(anonymous)'} takes constructor arguments (${cls.length}), but the app has no ` +
        `container to supply them; pass an instance (new ${cls.name || 'Middleware'}(...)) instead of the class, ` +
        'or give the app a container: new ProAPI({ container })',
    );
  }
  return new cls();
}
