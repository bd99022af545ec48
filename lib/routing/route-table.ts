import { RouteDefinitionError } from '../errors';
import type { MiddlewareInstantiator } from '../middleware/resolve-middleware';
import { describeMiddlewares, freezeDescriptor, routeInfo } from './describe-route';
import type { Route } from './route';
import type { RouteInfo } from './route-info';
import type { AppDescriptor } from './route-descriptor';

/**
 * The routes of one app, checked for clashes, frozen. Each route's `middlewares` is by now its
 * whole chain; its descriptor lists that chain, described through the instances the app built.
 */
export function buildRouteTable(routes: readonly Route[], instantiate?: MiddlewareInstantiator): readonly Route[] {
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
  return Object.freeze(
    routes.map((route) => {
      const middlewares = describeMiddlewares(route.middlewares, instantiate);
      return Object.freeze({ ...route, descriptor: freezeDescriptor({ ...route.descriptor, middlewares }) });
    }),
  );
}

/** The description of every route, for `app.describe()`. */
export function describeApp(routes: readonly Route[]): AppDescriptor {
  return Object.freeze({ routes: Object.freeze(routes.map((route) => route.descriptor)) });
}

/** The one-line summary of a route, for boot logs, `app.routes` and `proapi routes`. */
export function describeRoute(route: Route): RouteInfo {
  return routeInfo(route.descriptor);
}

function describeOwner(route: Route): string {
  return route.gatewayName === '(function)' ? `app.websocket(${route.handlerName})` : route.gatewayName;
}
