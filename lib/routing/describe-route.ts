import { RouteDefinitionError } from '../errors';
import type { MiddlewareDescription } from '../middleware/middleware-description';
import { middlewareName, type MiddlewareInstantiator } from '../middleware/resolve-middleware';
import { WebSocketMiddleware, type Middleware } from '../middleware/web-socket-middleware';
import type { DeclaredRequestValue } from './param-resolvers';
import type { CompiledPath } from './path-pattern';
import type { RouteInfo } from './route-info';
import type { MiddlewareDescriptor, RequestValueDescriptor, RouteDescriptor } from './route-descriptor';

/** The request values of a route: its path parameters, and what its handlers declare. */
export type RequestValues = Pick<RouteDescriptor, 'params' | 'wildcard' | 'query' | 'headers'>;

const DECORATORS = { param: '@Param', query: '@Query', header: '@Header' } as const;

/**
 * Merges the `@Param`/`@Query`/`@Header` declarations of a route's handlers. Two handlers may
 * read the same value, but must agree on its type: the route has one description of it.
 */
export function describeRequestValues(
  compiled: CompiledPath,
  declared: readonly DeclaredRequestValue[],
  owner: string,
): RequestValues {
  const bySource = { param: new Map<string, DeclaredRequestValue>(), query: new Map(), header: new Map() };
  for (const value of declared) {
    const seen = bySource[value.source].get(value.name);
    if (seen && seen.type !== value.type) {
      throw new RouteDefinitionError(
        `${owner}: ${DECORATORS[value.source]}('${value.name}') is declared as ${seen.type} in ${seen.where}() ` +
          `and as ${value.type} in ${value.where}(); declare it the same way in both`,
      );
    }
    bySource[value.source].set(value.name, value);
  }
  const listed = (values: Map<string, DeclaredRequestValue>): RequestValueDescriptor[] =>
    [...values.values()].map(({ name, type }) => ({ name, type }));
  return {
    params: compiled.paramNames.map((name) => ({ name, type: bySource.param.get(name)?.type ?? 'string' })),
    wildcard: compiled.wildcardSegment >= 0,
    query: listed(bySource.query),
    headers: listed(bySource.header),
  };
}

/** A middleware chain as the descriptor lists it; classes are described through the instance the app built. */
export function describeMiddlewares(chain: readonly Middleware[], instantiate?: MiddlewareInstantiator): MiddlewareDescriptor[] {
  return chain.map((middleware) => {
    const name = middlewareName(middleware);
    const instance = typeof middleware !== 'function' ? middleware : isClass(middleware) && instantiate ? instantiate(middleware) : null;
    const security = instance ? selfDescription(instance).security : undefined;
    // A copy: the middleware's own object must not be frozen with the descriptor.
    return security ? { name, security: structuredClone(security) } : { name };
  });
}

/** Every handler of a route in one line, for logs and `app.routes`: `join (@OnConnect), chat (@OnMessage chat)`. */
export function handlerSummary(descriptor: Pick<RouteDescriptor, 'style' | 'connect' | 'disconnect' | 'messages'>): string {
  const { style, connect, disconnect, messages } = descriptor;
  if (style !== 'messages') return connect ?? 'anonymous';
  const typesByMethod = new Map<string, string[]>();
  for (const { handler, type } of messages) typesByMethod.set(handler, [...(typesByMethod.get(handler) ?? []), type]);
  return [
    ...(connect ? [`${connect} (@OnConnect)`] : []),
    ...[...typesByMethod].map(([method, types]) => `${method} (@OnMessage ${types.join(', ')})`),
    ...(disconnect ? [`${disconnect} (@OnDisconnect)`] : []),
  ].join(', ');
}

/** The one-line summary of a route, for boot logs, `app.routes` and `proapi routes`. */
export function routeInfo(descriptor: RouteDescriptor): RouteInfo {
  return {
    path: descriptor.path,
    gateway: descriptor.gateway ?? '(function)',
    handler: handlerSummary(descriptor),
    middlewares: descriptor.middlewares.map((m) => m.name),
  };
}

/** Freezes the descriptor and every list and record in it; the classes it names stay the app's. */
export function freezeDescriptor(descriptor: RouteDescriptor): RouteDescriptor {
  for (const value of Object.values(descriptor)) {
    if (!Array.isArray(value)) continue;
    for (const item of value as object[]) freezeRecord(item);
    Object.freeze(value);
  }
  return Object.freeze(descriptor);
}

function freezeRecord(record: object): void {
  for (const value of Object.values(record)) {
    if (typeof value !== 'object' || value === null) continue;
    freezeRecord(value as object);
    Object.freeze(value);
  }
  Object.freeze(record);
}

function isClass(middleware: Middleware): middleware is Extract<Middleware, abstract new (...args: never[]) => unknown> {
  return typeof middleware === 'function' && middleware.prototype instanceof WebSocketMiddleware;
}

function selfDescription(instance: object): MiddlewareDescription {
  const describe = (instance as { describe?: unknown }).describe;
  if (typeof describe !== 'function') return {};
  const description = (describe as () => unknown).call(instance);
  return typeof description === 'object' && description !== null ? (description as MiddlewareDescription) : {};
}
