import type { DtoClass } from '../messages/dto-validator';
import type { SecurityDescription } from '../middleware/middleware-description';
import type { RequestValueType } from './request-value';

export type { RequestValueType } from './request-value';

/**
 * How a route handles its connections: `function` for `app.websocket(path, fn)`, `loop` for a
 * gateway whose `@OnConnect()` method owns the connection, `messages` for a gateway with
 * `@OnMessage()` handlers.
 */
export type RouteStyle = 'function' | 'loop' | 'messages';

/** A path parameter, query parameter or header a handler declares, and what it is converted to. */
export interface RequestValueDescriptor {
  readonly name: string;
  /** `number` and `boolean` values are converted; one that does not convert is a validation error. */
  readonly type: RequestValueType;
}

/** One middleware of a route's chain, in the order connections pass through it. */
export interface MiddlewareDescriptor {
  /** The class name, or the function's name. */
  readonly name: string;
  /** How it authenticates, if it says so through `describe()` (as `AuthMiddleware` does). */
  readonly security?: SecurityDescription;
}

/** One `@OnMessage()` handler. */
export interface MessageDescriptor {
  /** The value of the discriminator field that selects this handler. */
  readonly type: string;
  /** The method's name. */
  readonly handler: string;
  /** The class messages are validated against, or null for unvalidated payloads. */
  readonly dto: DtoClass | null;
  /** The declared class of the reply's `data`, from `@OnMessage(type, Dto, { reply })`. */
  readonly reply: DtoClass | undefined;
}

/** A message the gateway sends without being asked, declared with `@Emits()`. */
export interface PushDescriptor {
  readonly type: string;
  readonly payload: DtoClass;
}

/**
 * Everything the scanner learned about one WebSocket route: the input of API documents, client
 * generators and the route table. Frozen; the classes it names (DTOs, replies) are the app's own.
 */
export interface RouteDescriptor {
  /** The path as declared, e.g. `/chat/:room`. */
  readonly path: string;
  /** The path's `:name` parameters in order, typed by the `@Param()` declarations (else `string`). */
  readonly params: readonly RequestValueDescriptor[];
  /** Whether the path ends in `*` (the tail is `@Param('*')`). */
  readonly wildcard: boolean;
  /** Query parameters the handlers declare with `@Query()`. */
  readonly query: readonly RequestValueDescriptor[];
  /** Headers the handlers declare with `@Header()`, lower-cased. */
  readonly headers: readonly RequestValueDescriptor[];
  /** The gateway class's name; null for `app.websocket()` routes. */
  readonly gateway: string | null;
  readonly style: RouteStyle;
  /** The `@OnConnect()` method, or the function of an `app.websocket()` route; null if there is none. */
  readonly connect: string | null;
  /** The `@OnDisconnect()` method, if any. */
  readonly disconnect: string | null;
  /** The whole chain (the app's global middleware, then the class's, then the method's). */
  readonly middlewares: readonly MiddlewareDescriptor[];
  /** The field naming a message's type (`messages` routes only, else null). */
  readonly discriminator: string | null;
  /** The field carrying the request id echoed in replies (`messages` routes only, else null). */
  readonly idField: string | null;
  /** The `@OnMessage()` handlers, ordered by type. */
  readonly messages: readonly MessageDescriptor[];
  /** What the gateway pushes, from `@Emits()`, ordered by type. */
  readonly emits: readonly PushDescriptor[];
}

/** What `app.describe()` returns. */
export interface AppDescriptor {
  /** The WebSocket routes, in the order they were registered. */
  readonly routes: readonly RouteDescriptor[];
}
