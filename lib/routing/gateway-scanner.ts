import { RouteDefinitionError } from '../errors';
import { compileMessageGateway, collectMessageRecords } from '../messages/message-gateway';
import { readOwnRecord, readOwnRecords } from '../metadata/metadata-store';
import { MetadataKey, type GatewayRecord, type HandlerRecord, type MiddlewareRecord } from '../metadata/records';
import type { Middleware } from '../middleware/web-socket-middleware';
import { describeMiddlewares, describeRequestValues, handlerSummary } from './describe-route';
import { collectEmits } from './gateway-emits';
import { buildResolvers, connectionOf, type ArgumentResolver, type DeclaredRequestValue } from './param-resolvers';
import { checkAllowedOrigins, type AllowedOrigins } from './allowed-origins';
import { compilePath, type CompiledPath } from './path-pattern';
import type { LoopHandler } from '../connection/connection-runner';
import { loopRun } from './loop-run';
import type { Route, RouteRun } from './route';
import type { PushDescriptor, RouteDescriptor } from './route-descriptor';

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

  const prototype = Object.getPrototypeOf(instance) as object;
  const handlers = collectHandlers(prototype);
  const connect = atMostOne(handlers, 'connect', cls.name);
  const disconnect = atMostOne(handlers, 'disconnect', cls.name);
  const messages = collectMessageRecords(prototype);
  const emits = collectEmits(cls, cls.name);
  const allowedOrigins = gateway.options?.allowedOrigins;
  if (allowedOrigins !== undefined) checkAllowedOrigins(allowedOrigins, `@WebSocket('${gateway.path}') on ${cls.name}`);
  const scanned = { path: gateway.path, compiled, gatewayName: cls.name, emits, allowedOrigins };
  if (messages.length > 0) {
    const perMessage = messages.map((m) => m.propertyKey);
    refuseMiddlewareOn(prototype, cls.name, disconnect ? [...perMessage, disconnect.propertyKey] : perMessage);
    refuseStrayMiddleware(prototype, cls.name, connect?.propertyKey);
    const gatewayParts = compileMessageGateway({
      instance,
      className: cls.name,
      options: gateway.options ?? {},
      compiled,
      connect,
      disconnect,
      messages,
    });
    const middlewares = [...classMiddlewares(cls), ...(connect ? methodMiddlewares(prototype, connect.propertyKey) : [])];
    return buildRoute(scanned, middlewares, gatewayParts.run, gatewayParts.sink, gatewayParts.requestValues, {
      style: 'messages',
      connect: connect ? String(connect.propertyKey) : null,
      disconnect: disconnect ? String(disconnect.propertyKey) : null,
      discriminator: gatewayParts.discriminator,
      idField: gatewayParts.idField,
      messages: gatewayParts.messages,
    });
  }
  if (disconnect) {
    throw new RouteDefinitionError(
      `${cls.name}.${String(disconnect.propertyKey)}: @OnDisconnect() runs in gateways with @OnMessage() handlers; ` +
        'in an @OnConnect() receive loop, clean up in a finally block instead',
    );
  }
  if (!connect) {
    throw new RouteDefinitionError(
      `${cls.name} has no handler: decorate one method with @OnConnect(), or methods with @OnMessage(type, Dto)`,
    );
  }
  const { propertyKey } = connect;
  refuseStrayMiddleware(prototype, cls.name, propertyKey);
  const handlerName = String(propertyKey);
  const method = (instance as Record<string | symbol, unknown>)[propertyKey];
  if (typeof method !== 'function') {
    throw new RouteDefinitionError(`${cls.name}.${handlerName} is decorated with @OnConnect() but is not a method`);
  }
  const { resolvers, requestValues } = buildResolvers({
    instance,
    propertyKey,
    method: method as Method,
    compiled,
    where: `${cls.name}.${handlerName}`,
    kind: 'connect',
  });
  const middlewares = [...classMiddlewares(cls), ...methodMiddlewares(prototype, propertyKey)];
  const run = loopRun(bindHandler(instance, method as Method, resolvers), `${cls.name}.${handlerName}`);
  return buildRoute(scanned, middlewares, run, null, requestValues, {
    style: 'loop',
    connect: handlerName,
    disconnect: null,
    discriminator: null,
    idField: null,
    messages: [],
  });
}

interface ScannedGateway {
  readonly path: string;
  readonly compiled: CompiledPath;
  readonly gatewayName: string;
  readonly emits: readonly PushDescriptor[];
  readonly allowedOrigins: AllowedOrigins | undefined;
}

type HandlerDescription = Pick<RouteDescriptor, 'style' | 'connect' | 'disconnect' | 'discriminator' | 'idField' | 'messages'>;

function buildRoute(
  scanned: ScannedGateway,
  middlewares: readonly Middleware[],
  run: RouteRun,
  sink: Route['sink'],
  requestValues: readonly DeclaredRequestValue[],
  handlers: HandlerDescription,
): Route {
  const { path, compiled, gatewayName, emits, allowedOrigins } = scanned;
  return {
    path,
    compiled,
    ...(allowedOrigins && { allowedOrigins }),
    gatewayName,
    handlerName: handlerSummary(handlers),
    middlewares,
    run,
    sink,
    stages: [],
    observers: [],
    descriptor: {
      path,
      ...describeRequestValues(compiled, requestValues, gatewayName),
      gateway: gatewayName,
      ...handlers,
      middlewares: describeMiddlewares(middlewares),
      emits,
    },
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

/** Middleware wraps connections, so on a per-message or disconnect method it would silently do nothing. */
function refuseMiddlewareOn(prototype: object, className: string, propertyKeys: readonly (string | symbol)[]): void {
  for (const propertyKey of propertyKeys) {
    if (methodMiddlewares(prototype, propertyKey).length > 0) {
      throw new RouteDefinitionError(
        `${className}.${String(propertyKey)}: @UseMiddleware() runs per connection, so it belongs on the class ` +
          'or its @OnConnect() method, not on an @OnMessage() or @OnDisconnect() method',
      );
    }
  }
}

/** `@UseMiddleware` on a method that is not the `@OnConnect()` handler would silently do nothing. */
function refuseStrayMiddleware(prototype: object, className: string, connectKey: string | symbol | undefined): void {
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const { propertyKey } of readOwnRecords<MiddlewareRecord>(MetadataKey.MIDDLEWARE, proto)) {
      if (propertyKey === undefined || propertyKey === connectKey) continue;
      throw new RouteDefinitionError(
        `${className}.${String(propertyKey)}: @UseMiddleware() on a method only applies to the @OnConnect() handler, ` +
          `and ${String(propertyKey)}() is not one; move it to the class or to the @OnConnect() method`,
      );
    }
  }
}

/** Decorators apply bottom-up, so stacked records are stored last-written first. */
function inWrittenOrder(records: readonly MiddlewareRecord[]): Middleware[] {
  return [...records].reverse().flatMap((record) => record.middlewares);
}

/** The one record of `kind`, if any; two are a boot error. */
function atMostOne(
  handlers: readonly HandlerRecord[],
  kind: HandlerRecord['kind'],
  className: string,
): HandlerRecord | undefined {
  const found = handlers.filter((h) => h.kind === kind);
  if (found.length > 1) {
    const decorator = kind === 'connect' ? '@OnConnect()' : '@OnDisconnect()';
    throw new RouteDefinitionError(
      `${className} has ${found.length} ${decorator} methods (${found.map((h) => String(h.propertyKey)).join(', ')}); keep one`,
    );
  }
  return found[0];
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

function bindHandler(instance: object, method: Method, resolvers: readonly ArgumentResolver[]): LoopHandler {
  if (resolvers.length === 1 && resolvers[0] === connectionOf) return method.bind(instance) as LoopHandler;
  return (ws) => method.apply(instance, resolvers.map((resolve) => resolve(ws)));
}
