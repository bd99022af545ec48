import type { Middleware } from '../middleware/web-socket-middleware';

/** Namespaced metadata keys. Decorators write plain records under them; the scanner reads them. */
export const MetadataKey = {
  GATEWAY: 'proapi:gateway',
  HANDLERS: 'proapi:handlers',
  PARAMS: 'proapi:params',
  MIDDLEWARE: 'proapi:middleware',
} as const;

/** Written by `@WebSocket(path)` on the class. */
export interface GatewayRecord {
  readonly path: string;
}

/** Written by handler decorators (`@OnConnect()`, ...) on the prototype. */
export interface HandlerRecord {
  readonly kind: 'connect';
  readonly propertyKey: string | symbol;
}

export type ParamSource = 'conn' | 'param' | 'query' | 'header';

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
