import { RouteDefinitionError } from '../errors';
import { middlewareName } from '../middleware/resolve-middleware';
import type { Route, RouteInfo } from './route';

/** The routes of one app, checked for clashes as they are added. */
export function buildRouteTable(routes: readonly Route[]): readonly Route[] {
  const byShape = new Map<string, Route>();
  for (const route of routes) {
    const clash = byShape.get(route.compiled.shape);
    if (clash) {
      throw new RouteDefinitionError(
        `${describeOwner(route)} and ${describeOwner(clash)} are both mounted on ` +
          `"${route.path}"${route.path === clash.path ? '' : ` / "${clash.path}"`}; give each gateway its own path`,
      );
    }
    byShape.set(route.compiled.shape, route);
  }
  return Object.freeze(routes.map((route) => Object.freeze(route)));
}

export function describeRoute(route: Route): RouteInfo {
  return {
    path: route.path,
    gateway: route.gatewayName,
    handler: route.handlerName,
    middlewares: route.middlewares.map(middlewareName),
  };
}

function describeOwner(route: Route): string {
  return route.gatewayName === '(function)' ? `app.websocket(${route.handlerName})` : route.gatewayName;
}
