import type { HttpRoute } from '../http-route';
import type { Logger } from '../logger';
import type { Route } from './route';
import { describeRoute } from './route-table';

/** The boot log's route table: one line per route, with its middleware chain and who accepts its connections. */
export function logRouteTable(logger: Logger, table: readonly Route[], httpRoutes: readonly HttpRoute[]): void {
  for (const route of table) {
    const info = describeRoute(route);
    const chain = info.middlewares.length > 0 ? ` [${info.middlewares.join(' -> ')}]` : '';
    const accepts = acceptRule(route);
    logger.info({ method: 'WS', ...info, accepts }, `route WS ${route.path} -> ${route.gatewayName}.${route.handlerName}${chain}; ${accepts}`);
  }
  for (const route of httpRoutes) logger.info({ method: 'GET', path: route.path }, `route GET ${route.path}`);
}

/** Who accepts a route's connections, as the boot log says it. */
function acceptRule({ descriptor }: Route): string {
  if (descriptor.style === 'messages' && descriptor.connect === null) return 'accepted by ProAPI (no @OnConnect)';
  const where = descriptor.style === 'function' ? 'the handler' : '@OnConnect';
  return `${where} must accept(); returning without it answers HTTP 403`;
}
