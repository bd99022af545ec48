import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  MessageTooLargeError,
  OnConnect,
  Param,
  ProAPI,
  Query,
  WebSocket,
  type ProAPIOptions,
  type WebSocketConnection,
} from '../index';

/**
 * The spec's chat application as a gateway, plus the page at `/` that talks to it.
 *
 * Client → server: `{ "message": "hi" }` (any JSON object; other fields travel along).
 * Server → client:
 * - `{ type: 'system', message, members }` on entering, and when someone joins or leaves;
 *   `members` is the room's size at that moment.
 * - `{ type: 'message', username, message, ... }` for every chat message, to everyone in the room.
 * - `{ type: 'error', message }` when a message cannot be delivered.
 */
@WebSocket('/chat/:room')
export class ChatGateway {
  @OnConnect()
  async chat(ws: WebSocketConnection<ChatUser>, @Param('room') room: string, @Query('username') username?: string): Promise<void> {
    const name = displayName(username);
    await ws.accept();
    await ws.joinRoom(room); // a bad room name from the URL closes with 1008 and says why
    ws.userData.username = name;
    const members = await ws.getRoomSize(room);
    await ws.sendJson({ type: 'system', message: `Welcome to ${room}, ${name}`, members });
    await ws.broadcastJson(room, { type: 'system', message: `${name} has joined the room`, members });
    try {
      for (;;) {
        const data = await ws.receiveJson();
        if (typeof data !== 'object' || data === null || Array.isArray(data)) {
          await ws.sendJson({ type: 'error', message: 'send a JSON object, e.g. {"message": "hello"}' });
          continue;
        }
        // The server decides type and username, so nobody can post as someone else or as "system".
        try {
          await ws.broadcastJsonToAll(room, { ...data, type: 'message', username: name });
        } catch (error) {
          if (!(error instanceof MessageTooLargeError)) throw error;
          await ws.sendJson({ type: 'error', message: 'that message is too long to send' });
        }
      }
    } finally {
      // After a disconnect the connection is already in no room: leaving is a no-op and the
      // broadcast reaches everyone who is still there.
      await ws.leaveRoom(room);
      await ws.broadcastJson(room, { type: 'system', message: `${name} has left the room`, members: await ws.getRoomSize(room) });
    }
  }
}

interface ChatUser {
  username: string;
}

const MAX_NAME_CHARACTERS = 32;

function displayName(username: string | undefined): string {
  const name = Array.from(username?.trim() ?? '').slice(0, MAX_NAME_CHARACTERS).join('');
  return name || 'Anonymous';
}

export function createApp(options: ProAPIOptions = {}): ProAPI {
  const page = readFileSync(path.join(__dirname, 'chat-page.html'), 'utf8');
  const app = new ProAPI({ ...options, gateways: [ChatGateway] });
  app.get('/', () => ({ headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page }));
  return app;
}
