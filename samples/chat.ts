import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IsString, Length, Matches } from 'class-validator';
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

const MAX_NAME_CHARACTERS = 40;
const MAX_MESSAGE_CHARACTERS = 2000;
/** Control and format characters (bidi overrides, zero-width joiners) and broken UTF-16: invisible, or reorder text. */
const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

/** What a client may send: `{ "message": "hi" }`; `"type": "message"` may be given, nothing else. */
export class ChatMessage {
  @IsString()
  @Length(1, MAX_MESSAGE_CHARACTERS, { message: `message must have 1 to ${MAX_MESSAGE_CHARACTERS} characters` })
  @Matches(/\S/, { message: 'message must not be blank' })
  message!: string;
}

interface ChatUser {
  username?: string;
}

/**
 * The spec's chat application as a gateway, plus the page at `/` that talks to it.
 *
 * Client → server: `{ "message": "hi" }`. Anything else (another type, other fields, a blank or
 * over-long message) is answered with `{ type: 'error', error, message, ... }` and not relayed.
 * A room name this app cannot use is refused before the upgrade with HTTP 400 and the reason.
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
    const invalid = ws.checkRoomName(room);
    if (invalid) return ws.deny(400, invalid.reason); // HTTP 400, rather than a socket that opens only to close
    const name = displayName(username);
    await ws.accept();
    await ws.joinRoom(room);
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

/** One line of at most 40 visible characters: whitespace runs become one space, hidden characters go. */
function displayName(username: string | undefined): string {
  const name = (username ?? '').replace(/\s/g, ' ').replace(HIDDEN_CHARACTERS, '').replace(/ {2,}/g, ' ').trim();
  return Array.from(name).slice(0, MAX_NAME_CHARACTERS).join('').trimEnd() || 'Anonymous';
}

export function createApp(options: ProAPIOptions = {}): ProAPI {
  const page = readFileSync(path.join(__dirname, 'chat-page.html'), 'utf8');
  const app = new ProAPI({ ...options, gateways: [ChatGateway] });
  app.get('/', () => ({ headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page }));
  return app;
}
