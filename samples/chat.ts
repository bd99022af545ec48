import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IsString, Length } from 'class-validator';
import {
  Conn,
  Message,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Param,
  ProAPI,
  Query,
  WebSocket,
  type ProAPIOptions,
  type WebSocketConnection,
} from '../index';

const MAX_NAME_CHARACTERS = 32;
const MAX_MESSAGE_CHARACTERS = 2000;

/** What a client may send: `{ "message": "hi" }`; `"type": "message"` may be given, nothing else. */
export class ChatMessage {
  @IsString()
  @Length(1, MAX_MESSAGE_CHARACTERS, { message: `message must have 1 to ${MAX_MESSAGE_CHARACTERS} characters` })
  message!: string;
}

interface ChatUser {
  username?: string;
}

/**
 * The spec's chat application as a gateway, plus the page at `/` that talks to it.
 *
 * Client → server: `{ "message": "hi" }`. Anything else (another type, other fields, an empty or
 * over-long message) is answered with `{ type: 'error', error, message, ... }` and not relayed.
 * Server → client:
 * - `{ type: 'system', message, members }` on entering, and when someone joins or leaves;
 *   `members` is the room's size at that moment.
 * - `{ type: 'message', username, message }` for every chat message, to everyone in the room.
 */
@WebSocket('/chat/:room', { defaultType: 'message' })
export class ChatGateway {
  @OnConnect()
  async join(
    ws: WebSocketConnection<ChatUser>,
    @Param('room') room: string,
    @Query('username') username?: string,
  ): Promise<void> {
    const name = displayName(username);
    await ws.accept();
    await ws.joinRoom(room); // a bad room name from the URL closes with 1008 and says why
    ws.userData.username = name;
    const members = await ws.getRoomSize(room);
    await ws.sendJson({ type: 'system', message: `Welcome to ${room}, ${name}`, members });
    await ws.broadcastJson(room, { type: 'system', message: `${name} has joined the room`, members });
  }

  @OnMessage('message', ChatMessage)
  async message(@Message() msg: ChatMessage, @Param('room') room: string, @Conn() ws: WebSocketConnection<ChatUser>) {
    // The server sets type and username, so nobody can post as someone else or as "system".
    await ws.broadcastJsonToAll(room, { type: 'message', username: ws.userData.username, message: msg.message });
  }

  @OnDisconnect()
  async leave(@Param('room') room: string, @Conn() ws: WebSocketConnection<ChatUser>): Promise<void> {
    const name = ws.userData.username;
    if (name === undefined) return; // it never got into the room
    // Closed connections are in no room: the broadcast reaches everyone who is still there.
    await ws.broadcastJson(room, { type: 'system', message: `${name} has left the room`, members: await ws.getRoomSize(room) });
  }
}

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
