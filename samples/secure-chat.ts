import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ProAPI, type ProAPIOptions, type WebSocketConnection } from '../index';
import { AuthMiddleware, LoggingMiddleware } from '../middleware';

/**
 * The spec's "Advanced Example": global logging, token auth, rooms, join/leave announcements.
 * Run it with `PORT=8001 npm run sample -- secure-chat`.
 *
 * Open `http://127.0.0.1:8001/` — the chat page of samples/chat.ts — and fill in a token
 * (`secret` logs in as admin, `guest-secret` as guest). Or connect any client to
 * `ws://127.0.0.1:8001/chat/<room>` with a token — `?token=secret`, the header
 * `Authorization: Bearer secret`, or the subprotocols `['bearer', 'secret']` — then send JSON
 * objects, e.g. `{"type":"message","message":"hi"}`; everyone in the room receives them with
 * your username added. Joins and leaves arrive as `{"type":"system","message":"..."}`.
 */

type User = { username: string };

/** Demo tokens; a real app verifies a session or a JWT here. */
const USERS_BY_TOKEN = new Map<string, User>([
  ['secret', { username: 'admin' }],
  ['guest-secret', { username: 'guest' }],
]);

export function createApp(options: ProAPIOptions = {}): ProAPI {
  const app = new ProAPI(options);
  const page = readFileSync(path.join(__dirname, 'chat-page.html'), 'utf8');
  app.get('/', () => ({ headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page }));

  // Add global logging middleware
  app.websocketMiddlewares = [new LoggingMiddleware()];

  // Authentication: the token comes from the query, the Authorization header or the subprotocols.
  const authMiddleware = new AuthMiddleware<User>((_ws, token) => (token ? USERS_BY_TOKEN.get(token) : undefined));

  app.websocket(
    '/chat/:room',
    async function secureChat(ws: WebSocketConnection<{ user?: User }>) {
      const { room } = ws.params;
      await ws.accept();
      await ws.joinRoom(room);

      // The authenticated user, stored by AuthMiddleware before the handler ran.
      const { username } = ws.userData.user as User;

      await ws.broadcastJson(room, { type: 'system', message: `${username} has joined the room` });
      try {
        for (;;) {
          const data = await ws.receiveJson();
          if (typeof data !== 'object' || data === null || Array.isArray(data)) {
            await ws.sendJson({ type: 'error', message: 'send a JSON object, e.g. {"type":"message","content":"hi"}' });
            continue;
          }
          // Broadcast the message to everyone in the room, sender included.
          await ws.broadcastJsonToAll(room, { ...data, username });
        }
      } finally {
        // Leave the room and tell the others.
        await ws.leaveRoom(room);
        await ws.broadcastJson(room, { type: 'system', message: `${username} has left the room` });
      }
    },
    { middlewares: [authMiddleware] },
  );
  return app;
}
