import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Equals, IsInt, IsOptional, IsString, Length, Matches } from 'class-validator';
import {
  Conn,
  Emits,
  Message,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Param,
  ProAPI,
  Query,
  serveClientModule,
  WebSocket,
  type ProAPIOptions,
  type WebSocketConnection,
} from '../index';
import { MAX_CONTENT_CHARACTERS } from './chat-line';

const MAX_NAME_CHARACTERS = 40;
/** Control and format characters (bidi overrides, zero-width joiners) and broken UTF-16: invisible, or reorder text. */
const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

/**
 * What a client may send: `{ "type": "message", "content": "hi" }` (what the README's client example sends;
 * `type` may be left out). Any other field, or another type, is refused.
 */
export class ChatMessage {
  @IsString()
  @Length(1, MAX_CONTENT_CHARACTERS, { message: `content must have 1 to ${MAX_CONTENT_CHARACTERS} characters` })
  @Matches(/\S/, { message: 'content must not be blank' })
  content!: string;
}

/** A chat line, as everyone in the room receives it (not validated: the decorators describe it for clients and API documents). */
export class ChatBroadcast {
  @IsString() username!: string;
  @IsString() content!: string;
  /** Only on the sender's own copy. */
  @IsOptional() @Equals(true) you?: true;
}

/** A notice from the server: a welcome, someone joining or leaving; `members` is the room's size then. */
export class SystemNotice {
  @IsString() message!: string;
  @IsOptional() @IsInt() members?: number;
}

interface ChatUser {
  username?: string;
}

/**
 * The chat application as a gateway, plus the page at `/` that talks to it.
 *
 * Client → server: `{ "type": "message", "content": "hi" }`. Anything else (another type, other
 * fields, a blank or over-long message) is answered with `{ type: 'error', error, message, ... }`
 * and not relayed. A room name this app cannot use is refused before the upgrade with HTTP 400.
 * Server → client, always built by the server (a client never picks `type` or `username`):
 * - `{ type: 'system', message, members }` on entering, and when someone joins or leaves;
 *   `members` is the room's size at that moment.
 * - `{ type: 'message', username, content }` for every chat message, to everyone in the room;
 *   the sender's own copy also has `you: true`, which is how a page knows its own lines.
 */
@WebSocket('/chat/:room', { defaultType: 'message' })
@Emits({ message: ChatBroadcast, system: SystemNotice })
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
    // Built from the validated content alone: nobody can post as someone else or as "system".
    const line = { type: 'message', username: ws.userData.username, content: msg.content };
    await ws.broadcastJson(room, line);
    await ws.sendJson({ ...line, you: true });
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

/** Serves the chat page (samples/chat-page.html) at `/`, and proapi/client's modules it imports. */
export function addChatPage(app: ProAPI): ProAPI {
  const page = readFileSync(path.join(__dirname, 'chat-page.html'), 'utf8');
  serveClientModule(app); // GET /proapi-client/index.js and its modules
  return app.get('/', () => ({ headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page }));
}

/** `npm run sample -- chat`: the chat and its page. */
export function createApp(options: ProAPIOptions = {}): ProAPI {
  return addChatPage(new ProAPI({ ...options, gateways: [ChatGateway] }));
}

/** Where the page is, for `npm run sample` to print. */
export const pagePath = '/';
