import type { AppDescriptor } from '../routing/route-descriptor';
import type { AsyncApiDocument, AsyncApiMessage, AsyncApiOperation, AsyncApiOptions, AsyncApiChannel } from './asyncapi-document';
import { DtoSchemas } from './dto-schemas';
import type { SchemaRef } from './json-schema';
import { routeChannel } from './route-channel';
import { SecuritySchemes } from './security-schemes';
import { errorPayload, type Envelope } from './wire-schemas';

/**
 * The AsyncAPI 3.0 document of an app, from `app.describe()`: one channel per WebSocket route,
 * `receive` operations for each `@OnMessage` type with its reply and the error frame, `send`
 * operations for the `@Emits()` pushes, payload schemas from the DTOs' class-validator
 * decorators, and security schemes from the routes' `AuthMiddleware`.
 */
export function buildAsyncApi(app: AppDescriptor, options: AsyncApiOptions = {}): AsyncApiDocument {
  const schemas = new DtoSchemas('#/components/schemas/');
  const security = new SecuritySchemes();
  const messages: Record<string, AsyncApiMessage> = {};
  const errorMessage = (envelope: Envelope): SchemaRef => {
    const isDefault = envelope.discriminator === 'type' && envelope.idField === 'id';
    const name = isDefault ? 'ErrorFrame' : `ErrorFrame_${envelope.discriminator}_${envelope.idField}`.replace(/[^A-Za-z0-9_.-]/g, '_');
    messages[name] ??= {
      name: 'error',
      title: 'Error frame',
      summary: 'Answers a message that failed: bad JSON, an unknown type, invalid fields, or a handler error. The connection stays open.',
      payload: errorPayload(envelope),
    };
    return { $ref: `#/components/messages/${name}` };
  };

  const channels: Record<string, AsyncApiChannel> = {};
  const operations: Record<string, AsyncApiOperation> = {};
  const ids = new Set<string>();
  for (const route of app.routes) {
    const id = channelId(route.path, ids);
    const built = routeChannel(id, route, { schemas, security, errorMessage });
    channels[id] = built.channel;
    Object.assign(operations, built.operations);
  }

  const info = {
    title: options.title ?? 'ProAPI app',
    version: options.version ?? '1.0.0',
    ...(options.description !== undefined && { description: options.description }),
  };
  return {
    asyncapi: '3.0.0',
    info,
    defaultContentType: 'application/json',
    ...(options.servers !== undefined && { servers: options.servers }),
    channels,
    operations,
    components: {
      schemas: schemas.schemas,
      messages,
      ...(Object.keys(security.schemes).length > 0 && { securitySchemes: security.schemes }),
    },
  };
}

/** `/chat/:room` as `chat_room`: letters, digits, `_` and `-`, distinct across routes. */
function channelId(path: string, taken: Set<string>): string {
  const base = path.replace(/^\//, '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}
