/**
 * `proapi/middleware`: WebSocket middleware (Auth, RateLimit, Logging, custom).
 * Reserved entry point; the middleware issue fills it.
 */
export {};
