import type { RequestValueDescriptor, RouteDescriptor } from '../routing/route-descriptor';
import type { AsyncApiChannel, AsyncApiMessage, AsyncApiOperation } from './asyncapi-document';
import type { DtoSchemas } from './dto-schemas';
import type { JsonSchema, SchemaRef } from './json-schema';
import type { SecuritySchemes } from './security-schemes';
import { pushPayload, replyPayload, requestPayload, type Envelope } from './wire-schemas';

/** What the document builder shares between routes. */
export interface DocumentParts {
  readonly schemas: DtoSchemas;
  readonly security: SecuritySchemes;
  /** The `$ref` of the error frame message for an envelope (added to the components once). */
  errorMessage(envelope: Envelope): SchemaRef;
}

export interface RouteChannel {
  readonly channel: AsyncApiChannel;
  readonly operations: Record<string, AsyncApiOperation>;
}

/**
 * One route as an AsyncAPI channel: the path (`/chat/:room` as `/chat/{room}`) with its path
 * parameters, the upgrade's declared query parameters and headers (WebSocket binding), and its
 * messages: each `@OnMessage` type the server receives, its reply, the error frame, and the
 * `@Emits()` pushes. Operations: `receive` per message type (with its reply), `send` per push.
 */
export function routeChannel(id: string, route: RouteDescriptor, parts: DocumentParts): RouteChannel {
  const channelRef = { $ref: `#/channels/${id}` };
  const messageRef = (key: string): SchemaRef => ({ $ref: `#/channels/${id}/messages/${key}` });
  const security = parts.security.forRoute(route);
  const messages: Record<string, AsyncApiMessage | SchemaRef> = {};
  const operations: Record<string, AsyncApiOperation> = {};
  const owner = route.gateway ?? 'the route';
  const keyOf = messageKeys();
  const envelope: Envelope | null =
    route.discriminator !== null && route.idField !== null ? { discriminator: route.discriminator, idField: route.idField } : null;

  if (envelope !== null && route.messages.length > 0) {
    messages.error = parts.errorMessage(envelope);
    for (const message of route.messages) {
      const key = keyOf(message.type);
      messages[`${key}.request`] = {
        name: message.type,
        title: `${message.type} (client to server)`,
        summary: `Handled by ${owner}.${message.handler}.`,
        payload: requestPayload(envelope, message.type, message.dto === null ? null : parts.schemas.ref(message.dto)),
      };
      messages[`${key}.reply`] = {
        name: `${message.type}.reply`,
        title: `${message.type} reply`,
        summary: `What ${owner}.${message.handler} returns, sent to the sender (nothing when it returns undefined).`,
        payload: replyPayload(envelope, message.type, message.reply === undefined ? undefined : parts.schemas.ref(message.reply)),
      };
      operations[`${id}_receive_${key}`] = {
        action: 'receive',
        channel: channelRef,
        title: `Receive ${message.type}`,
        summary: `${owner}.${message.handler} handles "${message.type}" messages.`,
        messages: [messageRef(`${key}.request`)],
        reply: { channel: channelRef, messages: [messageRef(`${key}.reply`), messageRef('error')] },
        ...(security.length > 0 && { security }),
      };
    }
  }
  for (const push of route.emits) {
    const key = keyOf(push.type);
    messages[`${key}.push`] = {
      name: push.type,
      title: `${push.type} (server to client)`,
      summary: `Pushed by ${owner} (@Emits).`,
      payload: pushPayload(envelope ?? { discriminator: 'type', idField: 'id' }, push.type, parts.schemas.ref(push.payload)),
    };
    operations[`${id}_send_${key}`] = {
      action: 'send',
      channel: channelRef,
      title: `Push ${push.type}`,
      summary: `${owner} sends "${push.type}" messages unasked.`,
      messages: [messageRef(`${key}.push`)],
      ...(security.length > 0 && { security }),
    };
  }

  const channel: AsyncApiChannel = {
    address: channelAddress(route),
    title: route.gateway ?? `app.websocket('${route.path}')`,
    description: describeChannel(route),
    ...(route.params.length > 0 || route.wildcard ? { parameters: channelParameters(route) } : {}),
    messages,
    ...(route.query.length > 0 || route.headers.length > 0 ? { bindings: { ws: binding(route) } } : {}),
  };
  return { channel, operations };
}

/** `/chat/:room` as `/chat/{room}`; a trailing `*` as `{wildcard}`. */
export function channelAddress(route: RouteDescriptor): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{wildcard}');
}

function channelParameters(route: RouteDescriptor): Record<string, { description: string }> {
  const parameters: Record<string, { description: string }> = {};
  for (const param of route.params) {
    parameters[param.name] = { description: `Path parameter :${param.name}${param.type === 'string' ? '' : `, a ${param.type}`}.` };
  }
  if (route.wildcard) parameters.wildcard = { description: "The rest of the path (@Param('*'))." };
  return parameters;
}

function binding(route: RouteDescriptor): { method: 'GET'; query?: JsonSchema; headers?: JsonSchema; bindingVersion: '0.1.0' } {
  return {
    method: 'GET',
    ...(route.query.length > 0 && { query: valuesSchema(route.query) }),
    ...(route.headers.length > 0 && { headers: valuesSchema(route.headers) }),
    bindingVersion: '0.1.0',
  };
}

function valuesSchema(values: readonly RequestValueDescriptor[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const value of values) {
    properties[value.name] =
      value.type === 'boolean'
        ? { type: 'string', enum: ['true', 'false', '1', '0'], description: 'A boolean.' }
        : value.type === 'number'
          ? { type: 'string', pattern: '^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?$', description: 'A decimal number.' }
          : { type: 'string' };
  }
  return { type: 'object', properties };
}

function describeChannel(route: RouteDescriptor): string {
  if (route.style !== 'messages') {
    const handler = route.gateway ? `${route.gateway}.${route.connect}` : `the function ${route.connect}`;
    return `WebSocket route ${route.path}: ${handler} reads and writes the connection itself, so its messages are not declared here.`;
  }
  return (
    `WebSocket route ${route.path} (${route.gateway}). Messages are JSON objects; the "${route.discriminator}" field names ` +
    `each one, and a request's "${route.idField}" comes back in its reply or error frame.`
  );
}

/** Message types as keys of the document (letters, digits, `_` and `-`), distinct per channel. */
function messageKeys(): (type: string) => string {
  const byType = new Map<string, string>();
  const taken = new Set<string>();
  return (type) => {
    let key = byType.get(type);
    if (key !== undefined) return key;
    const base = type.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
    key = base;
    for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
    byType.set(type, key);
    taken.add(key);
    return key;
  };
}
