import { ProAPI, type ProAPIOptions, type WebSocketConnection } from '../index';
import { AuthMiddleware, LoggingMiddleware } from '../middleware';
import { addChatPage } from './chat';
import { chatLines } from './chat-line';

/**
 * A chat with logins: global logging, token auth, rooms, join/leave announcements.
 * Run it with `PORT=8001 npm run sample -- secure-chat`.
 *
 * Open `http://127.0.0.1:8001/`, the chat page of samples/chat.ts, and fill in a token
 * (`secret` logs in as admin, `guest-secret` as guest). Or connect any client to
 * `ws://127.0.0.1:8001/chat/<room>` with a token (`?token=secret`, the header
 * `Authorization: Bearer secret`, or the subprotocols `['bearer', 'secret']`), then send
 * `{"type":"message","content":"hi"}`: everyone in the room receives
 * `{"type":"message","username":"admin","content":"hi"}` (the sender's copy with `"you": true`).
 * Joins and leaves arrive as `{"type":"system","message":"..."}`.
 */

type User = { username: string };

/** Demo tokens; a real app verifies a session or a JWT here. */
const USERS_BY_TOKEN = new Map<string, User>([
  ['secret', { username: 'admin' }],
  ['guest-secret', { username: 'guest' }],
]);

export function createApp(options: ProAPIOptions = {}): ProAPI {
  const app = addChatPage(new ProAPI(options));

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
        // The relayed message is built here from the content alone: the server owns `type` and
        // `username`, so nobody can pass for "system" or for another user.
        for await (const line of chatLines(ws)) {
          const relayed = { type: 'message', username, content: line.content };
          await ws.broadcastJson(room, relayed);
          await ws.sendJson({ ...relayed, you: true });
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

export { pagePath } from './chat';
