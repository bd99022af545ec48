import type { CloseInfo, WebSocketConnection } from '../connection/web-socket-connection';
import { RouteDefinitionError } from '../errors';
import { readOwnRecords } from '../metadata/metadata-store';
import { MetadataKey, type ParamRecord } from '../metadata/records';
import type { CompiledPath } from './path-pattern';

/**
 * Computes one argument of a handler call. `extra` is what the call is about: the validated
 * message for `@OnMessage` handlers, the `CloseInfo` for `@OnDisconnect`, nothing for `@OnConnect`.
 */
export type ArgumentResolver = (ws: WebSocketConnection, extra?: unknown) => unknown;

/** Which handler a parameter list belongs to; decides what undecorated parameters receive. */
export type HandlerKind = 'connect' | 'message' | 'disconnect';

export const connectionOf: ArgumentResolver = (ws) => ws;
const messageOf: ArgumentResolver = (_ws, message) => message;
const closeCodeOf: ArgumentResolver = (_ws, info) => (info as CloseInfo).code;
const closeReasonOf: ArgumentResolver = (_ws, info) => (info as CloseInfo).reason;

/** What undecorated parameters receive, in order of appearance. */
const UNDECORATED: Record<HandlerKind, readonly ArgumentResolver[]> = {
  connect: [connectionOf],
  message: [connectionOf, messageOf],
  disconnect: [closeCodeOf, closeReasonOf],
};

const UNDECORATED_HINT: Record<HandlerKind, string> = {
  connect: 'the first one receives the connection',
  message: 'the first receives the connection, the second the message',
  disconnect: 'the first receives the close code, the second the reason',
};

/** One resolver per parameter of `propertyKey`, checked against the route's path. Runs at boot. */
export function buildResolvers(
  instance: object,
  propertyKey: string | symbol,
  method: (...args: never[]) => unknown,
  compiled: CompiledPath,
  where: string,
  kind: HandlerKind,
): ArgumentResolver[] {
  const records = collectParams(Object.getPrototypeOf(instance) as object, propertyKey);
  const arity = Math.max(method.length, ...records.map((r) => r.index + 1), 1);
  const undecorated = UNDECORATED[kind];
  let nextUndecorated = 0;
  const resolvers: ArgumentResolver[] = [];
  for (let index = 0; index < arity; index++) {
    const record = records.find((r) => r.index === index);
    if (record) {
      resolvers.push(resolverFor(record, compiled, where, kind));
    } else if (nextUndecorated < undecorated.length) {
      resolvers.push(undecorated[nextUndecorated++]);
    } else {
      throw new RouteDefinitionError(
        `parameter ${index} of ${where} has no decorator (${UNDECORATED_HINT[kind]}): ` +
          'use @Conn(), @Message(), @Param(), @Query(), @Header() or @User()',
      );
    }
  }
  return resolvers;
}

/** Parameter records of the nearest prototype that declares any for `propertyKey`. */
function collectParams(prototype: object, propertyKey: string | symbol): ParamRecord[] {
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const own = readOwnRecords<ParamRecord>(MetadataKey.PARAMS, proto).filter((p) => p.propertyKey === propertyKey);
    if (own.length > 0) return own;
  }
  return [];
}

function resolverFor(record: ParamRecord, compiled: CompiledPath, where: string, kind: HandlerKind): ArgumentResolver {
  const name = record.name ?? '';
  switch (record.source) {
    case 'conn':
      return connectionOf;
    case 'message':
      if (kind !== 'message') {
        throw new RouteDefinitionError(`${where}: @Message() only works in @OnMessage() handlers`);
      }
      return messageOf;
    case 'user':
      return (ws) => (ws.userData as { user?: unknown }).user;
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

/** Calls a handler method with its resolved arguments: `(ws, extra) => method(...args)`. */
export type Invoker = (ws: WebSocketConnection, extra?: unknown) => unknown;

/**
 * Binds a method to its resolvers once, at boot. The common arities get a direct call, so a
 * message costs no argument array; `(ws, message)` handlers are called without resolvers at all.
 */
export function compileInvoker(
  instance: object,
  method: (...args: never[]) => unknown,
  resolvers: readonly ArgumentResolver[],
): Invoker {
  const call = method as (...args: unknown[]) => unknown;
  const [a, b, c] = resolvers;
  switch (resolvers.length) {
    case 1:
      return a === connectionOf ? (ws) => call.call(instance, ws) : (ws, x) => call.call(instance, a(ws, x));
    case 2:
      if (a === connectionOf && b === messageOf) return (ws, x) => call.call(instance, ws, x);
      return (ws, x) => call.call(instance, a(ws, x), b(ws, x));
    case 3:
      return (ws, x) => call.call(instance, a(ws, x), b(ws, x), c(ws, x));
    default:
      return (ws, x) => {
        const args = new Array<unknown>(resolvers.length);
        for (let i = 0; i < resolvers.length; i++) args[i] = resolvers[i](ws, x);
        return call.apply(instance, args);
      };
  }
}

/** The method a handler record names, or a boot error saying why it cannot be called. */
export function methodOf(
  instance: object,
  propertyKey: string | symbol,
  decorator: string,
  where: string,
): (...args: never[]) => unknown {
  const method = (instance as Record<string | symbol, unknown>)[propertyKey];
  if (typeof method !== 'function') {
    throw new RouteDefinitionError(`${where} is decorated with ${decorator} but is not a method`);
  }
  return method as (...args: never[]) => unknown;
}
