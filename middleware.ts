/**
 * `proapi/middleware`: WebSocket middleware — the built-ins (Auth, RateLimit, Logging) and the
 * base class for your own.
 * @example
 * import { AuthMiddleware, LoggingMiddleware } from 'proapi/middleware';
 * app.websocketMiddlewares = [new LoggingMiddleware()];
 * app.websocket('/secure', handler, { middlewares: [new AuthMiddleware(authenticate)] });
 */
export {
  WebSocketMiddleware,
  type Middleware,
  type MiddlewareClass,
  type MiddlewareFunction,
  type MiddlewareLogger,
  type MiddlewareNext,
  type MessageNext,
} from './lib/middleware/web-socket-middleware';
export type { MiddlewareDescription, SecurityDescription, TokenLocation } from './lib/middleware/middleware-description';
export { UseMiddleware } from './decorators/use-middleware.decorator';
export {
  AuthMiddleware,
  BEARER_SUBPROTOCOL,
  type AuthOptions,
  type AuthRefusal,
  type Authenticate,
  type TokenSource,
} from './lib/middleware/auth.middleware';
export { RateLimitMiddleware, type RateLimitOptions, type RateLimitCallback } from './lib/middleware/rate-limit.middleware';
export type { RateLimitStore } from './lib/middleware/rate-limit-store';
export { LoggingMiddleware, type LoggingOptions } from './lib/middleware/logging.middleware';
export { DEFAULT_REDACTED_FRAGMENTS, DEFAULT_SAFE_SUBPROTOCOLS } from './lib/middleware/redact';
export { registerCredentialName } from './lib/middleware/credential-names';
