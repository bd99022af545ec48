import { ProAPI, type ProAPIOptions, type WebSocketConnection } from '../index';
import { AuthMiddleware, LoggingMiddleware, RateLimitMiddleware } from '../middleware';
import { chatLines } from './chat-line';
import { addEcho } from './echo';

/**
 * The middleware routes `npm start` serves:
 * - `/secure`: `AuthMiddleware`; `?token=secret` is the admin, who is welcomed with
 *   `{"message": "Welcome, admin!"}`; a wrong or missing token gets HTTP 401 before the upgrade.
 *   Then each `{"type": "message", "content": "hi"}` is answered with
 *   `{"type": "message", "username": "admin", "content": "hi"}`.
 * - `/limited`: the echo behind `RateLimitMiddleware`, 5 messages per 10 s; the 6th closes the
 *   connection with 1008 "rate limit exceeded".
 * - `/logged`: the echo behind `LoggingMiddleware` with `logMessages`: one log line per message.
 */

export interface User {
  username: string;
}

/** The demo's authenticate function: the token `secret` is the admin. A real app verifies a session or a JWT here. */
export function authenticate(_ws: WebSocketConnection, token: string | undefined): User | null {
  return token === 'secret' ? { username: 'admin' } : null;
}

export function addMiddlewareRoutes(app: ProAPI): ProAPI {
  app.websocket(
    '/secure',
    async function secureWebsocket(ws: WebSocketConnection<{ user?: User }>) {
      await ws.accept();
      // The authenticated user, stored by AuthMiddleware before this handler ran.
      const { username } = ws.userData.user as User;
      await ws.sendJson({ message: `Welcome, ${username}!` });
      for await (const line of chatLines(ws)) {
        await ws.sendJson({ type: 'message', username, content: line.content });
      }
    },
    { middlewares: [new AuthMiddleware(authenticate)] },
  );
  addEcho(app, '/limited', { middlewares: [new RateLimitMiddleware({ maxMessages: 5, windowSeconds: 10 })] });
  addEcho(app, '/logged', { middlewares: [new LoggingMiddleware({ logMessages: true })] });
  return app;
}

/** `npm run sample -- middleware-routes`: only these three routes. */
export function createApp(options: ProAPIOptions = {}): ProAPI {
  return addMiddlewareRoutes(new ProAPI(options));
}
