import { RouteDefinitionError } from '../errors';
import { readOwnRecords } from '../metadata/metadata-store';
import { MetadataKey, type HandlerRecord, type MessageRecord } from '../metadata/records';
import {
  buildResolvers,
  compileInvoker,
  methodOf,
  type CompiledParameters,
  type DeclaredRequestValue,
  type HandlerKind,
  type HandlerSignature,
  type Invoker,
} from '../routing/param-resolvers';
import type { CompiledPath } from '../routing/path-pattern';
import type { RouteRun } from '../routing/route';
import type { MessageDescriptor } from '../routing/route-descriptor';
import { DtoValidator, validatesProperty, type DtoClass } from './dto-validator';
import { MessageDispatcher, type CompiledMessageHandler } from './message-dispatcher';
import { MessageLifecycle } from './message-lifecycle';
import { resolveMessageOptions, type MessageOptions, type ResolvedMessageOptions } from './message-options';

/** The type of error replies; no handler may take it. */
const ERROR_TYPE = 'error';

export interface MessageGatewayParts {
  readonly instance: object;
  readonly className: string;
  readonly options: MessageOptions;
  readonly compiled: CompiledPath;
  readonly connect: HandlerRecord | undefined;
  readonly disconnect: HandlerRecord | undefined;
  readonly messages: readonly MessageRecord[];
}

/** `@OnMessage` records along the prototype chain; a subclass's records for a method replace its parent's. */
export function collectMessageRecords(prototype: object): MessageRecord[] {
  const shadowed = new Set<string | symbol>();
  const result: MessageRecord[] = [];
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const own = readOwnRecords<MessageRecord>(MetadataKey.MESSAGES, proto);
    for (const record of own) if (!shadowed.has(record.propertyKey)) result.push(record);
    for (const record of own) shadowed.add(record.propertyKey);
  }
  return result;
}

/** A compiled message gateway: how it runs a connection, its dispatcher, and what the route descriptor says about it. */
export interface CompiledMessageGateway {
  readonly run: RouteRun;
  readonly sink: MessageDispatcher;
  readonly discriminator: string;
  readonly idField: string;
  /** Ordered by type. */
  readonly messages: readonly MessageDescriptor[];
  /** The `@Param`/`@Query`/`@Header` parameters of every handler, hooks included. */
  readonly requestValues: readonly DeclaredRequestValue[];
}

/**
 * Compiles a gateway with `@OnMessage` handlers at boot: every type, DTO and parameter is checked
 * here, so a mistake fails `listen()` rather than a message.
 */
export function compileMessageGateway(parts: MessageGatewayParts): CompiledMessageGateway {
  const { className } = parts;
  const options = resolveMessageOptions(parts.options, className);
  const handlers = new Map<string, CompiledMessageHandler>();
  const messages: MessageDescriptor[] = [];
  const requestValues: DeclaredRequestValue[] = [];
  for (const record of parts.messages) {
    const { handler: compiled, parameters } = compileMessageHandler(parts, record, options);
    const existing = handlers.get(compiled.type);
    if (existing) {
      throw new RouteDefinitionError(
        `${className}: message type "${compiled.type}" is handled by both ${existing.name}() and ${compiled.name}(); ` +
          `keep one @OnMessage('${compiled.type}')`,
      );
    }
    handlers.set(compiled.type, compiled);
    messages.push({ type: record.type, handler: String(record.propertyKey), dto: record.dto ?? null, reply: record.reply });
    requestValues.push(...parameters.requestValues);
  }
  if (options.defaultType !== undefined && !handlers.has(options.defaultType)) {
    throw new RouteDefinitionError(
      `${className}: option defaultType is "${options.defaultType}", ` +
        `but no @OnMessage('${options.defaultType}') handles it`,
    );
  }
  const dispatcher = new MessageDispatcher(handlers, options);
  const onConnect = parts.connect && compileHook(parts, parts.connect, 'connect');
  const onDisconnect = parts.disconnect && compileHook(parts, parts.disconnect, 'disconnect');
  requestValues.unshift(...(onConnect?.requestValues ?? []));
  requestValues.push(...(onDisconnect?.requestValues ?? []));
  const connectName = parts.connect ? `${className}.${String(parts.connect.propertyKey)}` : '';
  const disconnectName = parts.disconnect ? `${className}.${String(parts.disconnect.propertyKey)}` : '';
  const lifecycle = new MessageLifecycle(dispatcher, onConnect?.invoke, onDisconnect?.invoke, connectName, disconnectName);
  return {
    run: lifecycle.run,
    sink: dispatcher,
    discriminator: options.discriminator,
    idField: options.idField,
    messages: messages.sort((a, b) => (a.type < b.type ? -1 : 1)),
    requestValues,
  };
}

function compileMessageHandler(
  parts: MessageGatewayParts,
  record: MessageRecord,
  options: ResolvedMessageOptions,
): { handler: CompiledMessageHandler; parameters: CompiledParameters } {
  const { type, dto, reply, propertyKey } = record;
  const name = `${parts.className}.${String(propertyKey)}`;
  if (typeof type !== 'string' || type === '') {
    throw new RouteDefinitionError(
      `${name}: @OnMessage() needs the message type as a non-empty string, got ${String(type)}`,
    );
  }
  if (type === ERROR_TYPE) {
    throw new RouteDefinitionError(
      `${name}: message type "${ERROR_TYPE}" is reserved: error replies are { ${JSON.stringify(options.discriminator)}: ` +
        `"${ERROR_TYPE}", ... }, so clients could not tell them apart from this handler's replies. Choose another type`,
    );
  }
  if (dto === undefined) {
    throw new RouteDefinitionError(
      `${name}: @OnMessage('${type}') has no DTO class. Pass the class its messages must match, ` +
        `e.g. @OnMessage('${type}', ${pascal(type)}Message), or pass null to receive them unvalidated`,
    );
  }
  if (dto !== null && typeof dto !== 'function') {
    throw new RouteDefinitionError(
      `${name}: the second argument of @OnMessage('${type}', ...) must be a DTO class or null`,
    );
  }
  if (reply !== undefined && typeof reply !== 'function') {
    throw new RouteDefinitionError(`${name}: the reply option of @OnMessage('${type}', ...) must be a class`);
  }
  let validator: DtoValidator | null = null;
  if (dto !== null) {
    validator = new DtoValidator(dto, options.validation, options.transform);
    if (validator.rejectsEverything) {
      throw new RouteDefinitionError(
        `${name}: ${dto.name} has no class-validator decorators, so forbidUnknownValues rejects every "${type}" ` +
          'message. Decorate its properties (e.g. @IsString()), ' +
          `or use @OnMessage('${type}', null) for messages without fields`,
      );
    }
    refuseEnvelopeProperties(name, dto, options);
  }
  const method = methodOf(parts.instance, propertyKey, '@OnMessage()', name);
  const parameters = buildResolvers({ ...signatureOf(parts, propertyKey, method, name, 'message'), dto });
  const handler: CompiledMessageHandler = {
    type,
    name,
    validator,
    invoke: compileInvoker(parts.instance, method, parameters.resolvers),
    replyHead: `{${JSON.stringify(options.discriminator)}:${JSON.stringify(type)}`,
  };
  return { handler, parameters };
}

/**
 * The discriminator and request id are taken off every message before validation: a DTO
 * property of either name would never receive a value.
 */
function refuseEnvelopeProperties(name: string, dto: DtoClass, options: ResolvedMessageOptions): void {
  const envelope = [
    ['discriminator', options.discriminator, 'message type', 'kind'],
    ['idField', options.idField, 'request id', 'requestId'],
  ] as const;
  for (const [option, field, role, example] of envelope) {
    if (!validatesProperty(dto, field)) continue;
    throw new RouteDefinitionError(
      `${name}: ${dto.name} validates a property "${field}", but "${field}" is the gateway's ${role} field ` +
        `(option ${option}), taken out of every message before validation, so it would never arrive. Rename the ` +
        `property, or move the ${role} to another field: @WebSocket(path, { ${option}: '${example}' })`,
    );
  }
}

function compileHook(
  parts: MessageGatewayParts,
  record: HandlerRecord,
  kind: HandlerKind,
): { invoke: Invoker; requestValues: readonly DeclaredRequestValue[] } {
  const name = `${parts.className}.${String(record.propertyKey)}`;
  const decorator = kind === 'connect' ? '@OnConnect()' : '@OnDisconnect()';
  const method = methodOf(parts.instance, record.propertyKey, decorator, name);
  const { resolvers, requestValues } = buildResolvers(signatureOf(parts, record.propertyKey, method, name, kind));
  return { invoke: compileInvoker(parts.instance, method, resolvers), requestValues };
}

function signatureOf(
  parts: MessageGatewayParts,
  propertyKey: string | symbol,
  method: (...args: never[]) => unknown,
  where: string,
  kind: HandlerKind,
): HandlerSignature {
  return { instance: parts.instance, propertyKey, method, compiled: parts.compiled, where, kind };
}

function pascal(type: string): string {
  return type.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
}
