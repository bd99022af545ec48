import { OnConnect, ProAPI, silentLogger, UseMiddleware, WebSocket, type WebSocketConnection } from '../../index';
import {
  AuthMiddleware,
  RateLimitMiddleware,
  WebSocketMiddleware,
  type Middleware,
  type MiddlewareFunction,
  type MiddlewareNext,
} from '../../middleware';

// Type-level checks: `npm run typecheck` compiles this file, so each line that must not compile
// carries @ts-expect-error (which itself fails if the line does compile).

type User = { id: string; name: string };
interface Session {
  user?: User;
  joinedAt?: number;
}

/** A middleware declaring its own userData type, as users write them. */
async function requireUser(ws: WebSocketConnection<{ user?: User }>, next: MiddlewareNext): Promise<unknown> {
  if (!ws.userData.user) return ws.deny(401);
  return next(ws);
}

const stampJoin = (ws: WebSocketConnection<Session>, next: MiddlewareNext): Promise<unknown> => {
  ws.userData.joinedAt = Date.now();
  return next();
};

class Audit extends WebSocketMiddleware<Session> {
  handle(ws: WebSocketConnection<Session>, next: MiddlewareNext): Promise<unknown> {
    return ws.userData.user ? next() : Promise.resolve(ws.deny(403));
  }
}

const perUser = new RateLimitMiddleware<{ user?: User }>({
  maxMessages: 5,
  windowSeconds: 10,
  key: (ws) => ws.userData.user?.id, // typed: no cast
});

@WebSocket('/typed')
@UseMiddleware(requireUser, stampJoin, Audit)
class TypedGateway {
  @OnConnect()
  @UseMiddleware(perUser)
  connect(): void {}
}

describe('middleware types', () => {
  it('accept middleware with their own userData types in every list, without casts', () => {
    const auth = new AuthMiddleware<User>((_ws, token) => token === 'secret' && { id: '1', name: 'admin' });
    const list: Middleware[] = [auth, requireUser, stampJoin, Audit, new Audit(), perUser];
    const app = new ProAPI({ logger: silentLogger, gateways: [TypedGateway], websocketMiddlewares: list });
    app.use(async (ws, next) => {
      const user: unknown = ws.userData.user; // unannotated: userData is Record<string, unknown>
      return user === undefined ? next() : next(ws);
    });
    app.websocket('/typed-fn', async (ws: WebSocketConnection<Session>) => ws.accept(), { middlewares: [requireUser, perUser] });
    expect(app.routes.map((route) => route.middlewares)).toEqual([
      ['AuthMiddleware', 'requireUser', 'stampJoin', 'Audit', 'Audit', 'RateLimitMiddleware', 'anonymous', 'requireUser', 'stampJoin', 'Audit', 'RateLimitMiddleware'],
      ['AuthMiddleware', 'requireUser', 'stampJoin', 'Audit', 'Audit', 'RateLimitMiddleware', 'anonymous', 'requireUser', 'RateLimitMiddleware'],
    ]);
  });

  it('refuse what is not a middleware at compile time', () => {
    const notMiddleware = [
      // @ts-expect-error: the first parameter must be a connection
      ((text: string, next: MiddlewareNext) => next()) satisfies MiddlewareFunction,
      // @ts-expect-error: next() takes a connection, not a number
      ((ws: WebSocketConnection, next: MiddlewareNext) => next(42)) satisfies MiddlewareFunction,
      // @ts-expect-error: a class must extend WebSocketMiddleware
      class NotMiddleware {} satisfies Middleware,
      // @ts-expect-error: the key is computed from the userData declared
      new RateLimitMiddleware<{ user?: User }>({ maxMessages: 1, windowSeconds: 1, key: (ws) => ws.userData.user?.missing }),
    ];
    expect(notMiddleware).toHaveLength(4);
  });
});
