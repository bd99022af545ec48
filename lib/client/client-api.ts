/**
 * What a client may send to one message type, and what the server answers: `payload` is the
 * fields of the message besides its type and request id (the handler's DTO), `reply` the `data`
 * of the reply.
 */
export interface MessageSpec {
  readonly payload: object;
  readonly reply: unknown;
}

/**
 * The shape of one WebSocket route as a client sees it. `proapi client` writes one per route from
 * `app.describe()`; `createClient<ChatApi>(url)` then checks every type name and field.
 * @example
 * interface ChatApi extends ClientApi {
 *   readonly discriminator: 'type';
 *   readonly idField: 'id';
 *   readonly messages: { readonly history: { readonly payload: { limit: number }; readonly reply: ChatLine[] } };
 *   readonly pushes: { readonly message: ChatLine };
 * }
 */
export interface ClientApi {
  /** The field naming a message's type (the gateway's `discriminator`, `'type'` by default). */
  readonly discriminator: string;
  /** The field carrying a request's id (the gateway's `idField`, `'id'` by default). */
  readonly idField: string;
  /** The `@OnMessage()` types, with their payload and reply. */
  readonly messages: { readonly [type: string]: MessageSpec };
  /** What the server sends unasked (`@Emits()`), by type. */
  readonly pushes: { readonly [type: string]: object };
}

/** The API of a client created without one: any type, any fields. */
export interface AnyApi extends ClientApi {
  readonly discriminator: 'type';
  readonly idField: 'id';
  readonly messages: { readonly [type: string]: { readonly payload: Record<string, unknown>; readonly reply: unknown } };
  readonly pushes: { readonly [type: string]: Record<string, unknown> };
}

/** The message types a client may send. */
export type MessageType<Api extends ClientApi> = keyof Api['messages'] & string;

/** The push types a server declares. */
export type PushType<Api extends ClientApi> = keyof Api['pushes'] & string;

/** The fields a message of type `K` carries besides its type and id. */
export type PayloadOf<Api extends ClientApi, K extends MessageType<Api>> = Api['messages'][K]['payload'];

/** The `data` of the reply to a message of type `K`. */
export type ReplyOf<Api extends ClientApi, K extends MessageType<Api>> = Api['messages'][K]['reply'];

/**
 * A push as it arrives: its declared fields plus the type field. Without `K`, the union of every
 * declared push, which narrows on the type field.
 */
export type PushMessage<Api extends ClientApi, K extends PushType<Api> = PushType<Api>> = K extends unknown
  ? Api['pushes'][K] & { readonly [F in Api['discriminator']]: K }
  : never;
