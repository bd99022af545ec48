import { RouteDefinitionError } from '../errors';
import { readOwnRecord, readOwnRecords } from '../metadata/metadata-store';
import {
  MetadataKey,
  type GatewayRecord,
  type HandlerRecord,
  type MiddlewareRecord,
  type ParamRecord,
} from '../metadata/records';
import type { Middleware } from '../middleware/web-socket-middleware';
import type { WebSocketConnection } from '../connection/web-socket-connection';
import { compilePath, type CompiledPath } from './path-pattern';
import type { ConnectionHandler, Route } from './route';

type ArgumentResolver = (ws: WebSocketConnection) => unknown;
type Method = (...args: unknown[]) => unknown;

/**
 * Reads a gateway's decorators and returns its route. Runs once per gateway at boot; everything
 * per-connection afterwards is a plain function call.
 */
export function scanGateway(instance: object): Route {
  const cls = instance.constructor as { name: string };
  const gateway = readOwnRecord<GatewayRecord>(MetadataKey.GATEWAY, cls);
  if (!gateway) {
    throw new RouteDefinitionError(`${cls.name} is not a gateway: decorate the class with @WebSocket('/path')`);
  }
  const compiled = compilePath(gateway.path);
  if (typeof compiled === 'string') throw new RouteDefinitionError(`${cls.name}: ${compiled}`);

  const handlers = collectHandlers(Object.getPrototypeOf(instance) as object);
  const connect = handlers.filter((h) => h.kind === 'connect');
  if (connect.length === 0) {
    throw new RouteDefinitionError(`${cls.name} has no handler: decorate one method with @OnConnect()`);
  }
  if (connect.length > 1) {
    throw new RouteDefinitionError(
      `${cls.name} has ${connect.length} @OnConnect() methods (${connect.map((h) => String(h.propertyKey)).join(', ')}); keep one`,
    );
  }
  const { propertyKey } = connect[0];
  const handlerName = String(propertyKey);
  const method = (instance as Record<string | symbol, unknown>)[propertyKey];
  if (typeof method !== 'function') {
    throw new RouteDefinitionError(`${cls.name}.${handlerName} is decorated with @OnConnect() but is not a method`);
  }
  const resolvers = buildResolvers(instance, propertyKey, method as Method, compiled, `${cls.name}.${handlerName}`);
  return {
    path: gateway.path,
    compiled,
    gatewayName: cls.name,
    handlerName,
    middlewares: [...classMiddlewares(cls), ...methodMiddlewares(Object.getPrototypeOf(instance) as object, propertyKey)],
    handle: bindHandler(instance, method as Method, resolvers),
  };
}

/** `@UseMiddleware` on the class and its base classes, base first; stacked decorators in written order. */
function classMiddlewares(cls: object): Middleware[] {
  const lineage: object[] = [];
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) lineage.unshift(c);
  return lineage.flatMap((c) => inWrittenOrder(readOwnRecords<MiddlewareRecord>(MetadataKey.MIDDLEWARE, c)));
}

/** `@UseMiddleware` on the handler method, from the nearest prototype that declares any for it. */
function methodMiddlewares(prototype: object, propertyKey: string | symbol): Middleware[] {
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const own = readOwnRecords<MiddlewareRecord>(MetadataKey.MIDDLEWARE, proto).filter((r) => r.propertyKey === propertyKey);
    if (own.length > 0) return inWrittenOrder(own);
  }
  return [];
}

/** Decorators apply bottom-up, so stacked records are stored last-written first. */
function inWrittenOrder(records: readonly MiddlewareRecord[]): Middleware[] {
  return [...records].reverse().flatMap((record) => record.middlewares);
}

/** Handler records along the prototype chain; a subclass's record for a method shadows its parent's. */
function collectHandlers(prototype: object): HandlerRecord[] {
  const seen = new Set<string | symbol>();
  const result: HandlerRecord[] = [];
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const record of readOwnRecords<HandlerRecord>(MetadataKey.HANDLERS, proto)) {
      if (seen.has(record.propertyKey)) continue;
      seen.add(record.propertyKey);
      result.push(record);
    }
  }
  return result;
}

/** Parameter records of the nearest prototype that declares any for `propertyKey`. */
function collectParams(prototype: object, propertyKey: string | symbol): ParamRecord[] {
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const own = readOwnRecords<ParamRecord>(MetadataKey.PARAMS, proto).filter((p) => p.propertyKey === propertyKey);
    if (own.length > 0) return own;
  }
  return [];
}

function buildResolvers(
  instance: object,
  propertyKey: string | symbol,
  method: Method,
  compiled: CompiledPath,
  where: string,
): ArgumentResolver[] {
  const records = collectParams(Object.getPrototypeOf(instance) as object, propertyKey);
  const arity = Math.max(method.length, ...records.map((r) => r.index + 1), 1);
  const resolvers: ArgumentResolver[] = [];
  for (let index = 0; index < arity; index++) {
    const record = records.find((r) => r.index === index);
    if (record) resolvers.push(resolverFor(record, compiled, where));
    else if (index === 0) resolvers.push(connectionOf);
    else {
      throw new RouteDefinitionError(
        `parameter ${index} of ${where} has no decorator: use @Param(), @Query(), @Header() or @Conn()`,
      );
    }
  }
  return resolvers;
}

const connectionOf: ArgumentResolver = (ws) => ws;

function resolverFor(record: ParamRecord, compiled: CompiledPath, where: string): ArgumentResolver {
  const name = record.name ?? '';
  switch (record.source) {
    case 'conn':
      return connectionOf;
    case 'param':
      if (!compiled.paramNames.includes(name) && !(name === '*' && compiled.wildcardSegment >= 0)) {
        throw new RouteDefinitionError(
          `${where}: @Param('${name}') is not in path "${compiled.pattern}" ` +
            `(its parameters: ${compiled.paramNames.join(', ') || 'none'})`,
        );
      }
      return (ws) => ws.params[name];
    case 'query':
      return (ws) => ws.queryParams.get(name) ?? undefined;
    case 'header':
      return (ws) => ws.headers.get(name);
  }
}

function bindHandler(instance: object, method: Method, resolvers: ArgumentResolver[]): ConnectionHandler {
  if (resolvers.length === 1 && resolvers[0] === connectionOf) return method.bind(instance) as ConnectionHandler;
  return (ws) => method.apply(instance, resolvers.map((resolve) => resolve(ws)));
}
