import type { ProAPI, ProAPIOptions } from '../index';
import { createApp as createChat } from './chat';
import { addEcho } from './echo';
import { addMiddlewareRoutes } from './middleware-routes';

/**
 * What `npm start` runs: every route the README lists under "What `npm start` serves", on one port (8000 unless `PORT` says otherwise).
 *
 * | path | sample | |
 * |---|---|---|
 * | `/` | chat.ts | the chat page |
 * | `/ws` | echo.ts | echo, with try/finally |
 * | `/chat/:room` | chat.ts | the chat application |
 * | `/secure` | middleware-routes.ts | AuthMiddleware: `?token=secret` |
 * | `/limited` | middleware-routes.ts | RateLimitMiddleware: 5 messages per 10 s |
 * | `/logged` | middleware-routes.ts | LoggingMiddleware with `logMessages` |
 */
export function createApp(options: ProAPIOptions = {}): ProAPI {
  return addMiddlewareRoutes(addEcho(createChat(options)));
}

export { pagePath } from './chat';
