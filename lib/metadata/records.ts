import type { DtoClass } from '../messages/dto-validator';
import type { MessageOptions } from '../messages/message-options';
import type { Middleware } from '../middleware/web-socket-middleware';
import type { AllowedOrigins } from '../routing/allowed-origins';

/** Namespaced metadata keys. Decorators write plain records under them; the scanner reads them. */
export const MetadataKey = {
  GATEWAY: 'proapi:gateway',
  HANDLERS: 'proapi:handlers',
  PARAMS: 'proapi:params',
  MESSAGES: 'proapi:messages',
  MIDDLEWARE: 'proapi:middleware',
  EMITS: 'proapi:emits',
} as const;

/** The options of `@WebSocket(path, options)`. */
export interface GatewayOptions extends MessageOptions {
  /**
   * Pages (the `Origin` a browser sends) that may open this gateway, instead of the app's
   * `allowedOrigins`; others get HTTP 403.
   * @example
   * @WebSocket('/embed', { allowedOrigins: ['https://partner.example.com'] })
   */
  readonly allowedOrigins?: AllowedOrigins;
}

/** Written by `@WebSocket(path)` on the class. */
export interface GatewayRecord {
  readonly path: string;
  readonly options?: GatewayOptions;
}

/** Written by handler decorators (`@OnConnect()`, `@OnDisconnect()`) on the prototype. */
export interface HandlerRecord {
  readonly kind: 'connect' | 'disconnect';
  readonly propertyKey: string | symbol;
}

/** Written by `@OnMessage(type, dto, { reply })` on the prototype; `dto` is `undefined` when it was left out. */
export interface MessageRecord {
  readonly propertyKey: string | symbol;
  readonly type: string;
  readonly dto: DtoClass | null | undefined;
  /** The declared type of the handler's replies, if any. */
  readonly reply?: DtoClass;
}

/** Written by `@Emits({ type: Class })` on the class: the messages the gateway pushes unasked. */
export interface EmitsRecord {
  readonly pushes: Readonly<Record<string, DtoClass>>;
}

export type ParamSource = 'conn' | 'param' | 'query' | 'header' | 'message' | 'user';

/** Written by parameter decorators (`@Param('room')`, ...) on the prototype. */
export interface ParamRecord {
  readonly propertyKey: string | symbol;
  readonly index: number;
  readonly source: ParamSource;
  readonly name?: string;
}

/**
 * Written by `@UseMiddleware(...)`: on the class for class-level middleware (no `propertyKey`),
 * on the prototype for a handler method.
 */
export interface MiddlewareRecord {
  readonly propertyKey?: string | symbol;
  readonly middlewares: readonly Middleware[];
}
