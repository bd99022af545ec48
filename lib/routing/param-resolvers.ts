import type { CloseInfo, WebSocketConnection } from '../connection/web-socket-connection';
import { RouteDefinitionError } from '../errors';
import type { DtoClass } from '../messages/dto-validator';
import { readOwnRecords, readParamTypes } from '../metadata/metadata-store';
import { MetadataKey, type ParamRecord } from '../metadata/records';
import type { CompiledPath } from './path-pattern';
import { requestValueConverter, requestValueType, type RequestValueConverter, type RequestValueType } from './request-value';

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

/** A handler method as the scanner found it; `dto` only for `@OnMessage` handlers. */
export interface HandlerSignature {
  readonly instance: object;
  readonly propertyKey: string | symbol;
  readonly method: (...args: never[]) => unknown;
  readonly compiled: CompiledPath;
  /** `Class.method`, for boot errors. */
  readonly where: string;
  readonly kind: HandlerKind;
  /** The DTO of an `@OnMessage` handler (null: unvalidated), checked against the message parameter's declared type. */
  readonly dto?: DtoClass | null;
}

/** A `@Param`, `@Query` or `@Header` parameter of a handler, with the type it is converted to. */
export interface DeclaredRequestValue {
  readonly source: 'param' | 'query' | 'header';
  /** `Class.method` declaring it. */
  readonly where: string;
  readonly name: string;
  readonly type: RequestValueType;
}

/** How to compute a handler's arguments, and which request values it declares. */
export interface CompiledParameters {
  readonly resolvers: readonly ArgumentResolver[];
  readonly requestValues: readonly DeclaredRequestValue[];
}

/** One resolver per parameter of the handler, checked against the route's path and the declared types. Runs at boot. */
export function buildResolvers(signature: HandlerSignature): CompiledParameters {
  const { instance, propertyKey, method, where, kind } = signature;
  const prototype = Object.getPrototypeOf(instance) as object;
  const records = collectParams(prototype, propertyKey);
  const designTypes = readParamTypes(prototype, propertyKey);
  const arity = Math.max(method.length, ...records.map((r) => r.index + 1), 1);
  const undecorated = UNDECORATED[kind];
  let nextUndecorated = 0;
  const resolvers: ArgumentResolver[] = [];
  const requestValues: DeclaredRequestValue[] = [];
  for (let index = 0; index < arity; index++) {
    const record = records.find((r) => r.index === index);
    let resolver: ArgumentResolver;
    if (record) {
      const declared = declaredRequestValue(record, designTypes[index], where);
      if (declared) requestValues.push(declared);
      resolver = resolverFor(record, declared, signature);
    } else if (nextUndecorated < undecorated.length) {
      resolver = undecorated[nextUndecorated++];
    } else {
      throw new RouteDefinitionError(
        `parameter ${index} of ${where} has no decorator (${UNDECORATED_HINT[kind]}): ` +
          'use @Conn(), @Message(), @Param(), @Query(), @Header() or @User()',
      );
    }
    if (resolver === messageOf && signature.dto !== undefined) checkMessageType(designTypes[index], signature.dto, index, where);
    resolvers.push(resolver);
  }
  return { resolvers, requestValues };
}

/** Parameter records of the nearest prototype that declares any for `propertyKey`. */
function collectParams(prototype: object, propertyKey: string | symbol): ParamRecord[] {
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const own = readOwnRecords<ParamRecord>(MetadataKey.PARAMS, proto).filter((p) => p.propertyKey === propertyKey);
    if (own.length > 0) return own;
  }
  return [];
}

const DECORATOR_NAMES = { param: '@Param', query: '@Query', header: '@Header' } as const;

function declaredRequestValue(record: ParamRecord, designType: unknown, where: string): DeclaredRequestValue | null {
  const { source } = record;
  if (source !== 'param' && source !== 'query' && source !== 'header') return null;
  const name = record.name ?? '';
  const type = requestValueType(designType, where, `${DECORATOR_NAMES[source]}('${name}')`);
  return { source, where, name, type };
}

/**
 * The message parameter receives an instance of the DTO (or, with a null DTO, the parsed
 * payload): a parameter declared as another class would hold something other than its type says.
 * Types TypeScript emits as `Object` (interfaces, unions, any, unknown) say nothing to check.
 */
function checkMessageType(declared: unknown, dto: DtoClass | null, index: number, where: string): void {
  if (declared === undefined || declared === Object || typeof declared !== 'function') return;
  if (dto !== null && (declared === dto || dto.prototype instanceof declared)) return;
  const declaredName = declared.name || 'an anonymous class';
  const received = dto === null ? 'the unvalidated payload (a plain object), as @OnMessage(type, null) says' : `a ${dto.name}`;
  const fix =
    dto === null
      ? `pass ${declaredName} to @OnMessage() to validate messages against it, or declare the parameter as an interface or unknown`
      : `declare it as ${dto.name}, or pass ${declaredName} to @OnMessage()`;
  throw new RouteDefinitionError(
    `${where}: the message parameter (parameter ${index}) is declared as ${declaredName}, but it receives ${received}; ${fix}`,
  );
}

function resolverFor(record: ParamRecord, declared: DeclaredRequestValue | null, signature: HandlerSignature): ArgumentResolver {
  const { compiled, where, kind } = signature;
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
    case 'param': {
      if (!compiled.paramNames.includes(name) && !(name === '*' && compiled.wildcardSegment >= 0)) {
        throw new RouteDefinitionError(
          `${where}: @Param('${name}') is not in path "${compiled.pattern}" ` +
            `(its parameters: ${compiled.paramNames.join(', ') || 'none'})`,
        );
      }
      const convert = converterOf(declared, `path parameter "${name}"`);
      return convert ? (ws) => convert(ws.params[name]) : (ws) => ws.params[name];
    }
    case 'query': {
      const convert = converterOf(declared, `query parameter "${name}"`);
      return convert
        ? (ws) => convert(ws.queryParams.get(name) ?? undefined)
        : (ws) => ws.queryParams.get(name) ?? undefined;
    }
    case 'header': {
      const convert = converterOf(declared, `header "${name}"`);
      return convert ? (ws) => convert(ws.headers.get(name)) : (ws) => ws.headers.get(name);
    }
  }
}

/** Converted once the parameter is declared number or boolean; null leaves the string as it is. */
function converterOf(declared: DeclaredRequestValue | null, label: string): RequestValueConverter | null {
  return declared && requestValueConverter(declared.type, declared.name, label);
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
