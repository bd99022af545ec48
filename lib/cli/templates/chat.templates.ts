import type { TemplateFile } from './template-file';

export function chatMessageDto(): TemplateFile {
  return {
    path: 'gateways/chat-message.dto.ts',
    content: `import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** What a client sends to say something: \`{ "type": "chat", "text": "hello" }\`. */
export class ChatMessage {
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  text!: string;
}
`,
  };
}

export function requireUsernameMiddleware(): TemplateFile {
  return {
    path: 'middleware/require-username.middleware.ts',
    content: `import type { WebSocketConnection } from 'proapi';
import { WebSocketMiddleware, type MiddlewareNext } from 'proapi/middleware';

/** What the chat keeps about each connection, in \`ws.userData\`. */
export interface ChatUser {
  username: string;
}

/**
 * Runs before the upgrade: refuses a connection without \`?username=\` (HTTP 400), and keeps the
 * name in \`ws.userData\` for the gateway.
 */
export class RequireUsernameMiddleware extends WebSocketMiddleware<ChatUser> {
  handle(ws: WebSocketConnection<ChatUser>, next: MiddlewareNext) {
    const username = ws.queryParams.get('username')?.trim();
    if (!username) {
      ws.deny(400, 'add ?username=<name> to the URL');
      return;
    }
    ws.userData.username = username;
    return next();
  }
}
`,
  };
}

export function chatGateway(): TemplateFile {
  return {
    path: 'gateways/chat.gateway.ts',
    content: `import { Conn, Message, OnConnect, OnDisconnect, OnMessage, Param, WebSocket, type WebSocketConnection } from 'proapi';
import { UseMiddleware } from 'proapi/middleware';
import { RequireUsernameMiddleware, type ChatUser } from '../middleware/require-username.middleware';
import { ChatMessage } from './chat-message.dto';

type ChatConnection = WebSocketConnection<ChatUser>;

/**
 * One chat room per URL: connect to /chat/<room>?username=<name> and send
 * \`{ "type": "chat", "text": "hello" }\`; everyone in the room, you included, receives
 * \`{ "type": "chat", "username": "ann", "text": "hello" }\`. Joins and leaves are announced
 * to the others with the room's size.
 */
@WebSocket('/chat/:room')
@UseMiddleware(RequireUsernameMiddleware)
export class ChatGateway {
  @OnConnect()
  async join(ws: ChatConnection, @Param('room') room: string) {
    await ws.accept();
    await ws.joinRoom(room);
    const members = await ws.getRoomSize(room);
    await ws.broadcastJson(room, { type: 'system', message: \`\${ws.userData.username} joined \${room}\`, members });
  }

  /** Runs for each \`{ "type": "chat", ... }\` message that ChatMessage validates; others get an error reply. */
  @OnMessage('chat', ChatMessage)
  async chat(@Message() message: ChatMessage, @Param('room') room: string, @Conn() ws: ChatConnection) {
    await ws.broadcastJsonToAll(room, { type: 'chat', username: ws.userData.username, text: message.text });
  }

  @OnDisconnect()
  async leave(@Param('room') room: string, @Conn() ws: ChatConnection) {
    // A closed connection is in no room any more: this reaches everyone still there.
    const members = await ws.getRoomSize(room);
    await ws.broadcastJson(room, { type: 'system', message: \`\${ws.userData.username} left \${room}\`, members });
  }
}
`,
  };
}

export function chatGatewaySpec(): TemplateFile {
  return {
    path: 'spec/chat.gateway.spec.ts',
    content: `import { silentLogger } from 'proapi';
import { createTestClient, type TestClient } from 'proapi/testing';
import { createApp } from '../app';

describe('ChatGateway', () => {
  let client: TestClient;
  beforeEach(async () => {
    client = await createTestClient(createApp({ logger: silentLogger }));
  });
  afterEach(() => client.close());

  it('relays chat messages to everyone in the room', async () => {
    const ann = await client.connect('/chat/lobby?username=ann');
    const bob = await client.connect('/chat/lobby?username=bob');
    expect(await ann.receiveJson()).toEqual({ type: 'system', message: 'bob joined lobby', members: 2 });
    ann.sendJson({ type: 'chat', text: 'hello' });
    const said = { type: 'chat', username: 'ann', text: 'hello' };
    expect(await bob.receiveJson()).toEqual(said);
    expect(await ann.receiveJson()).toEqual(said);
  });

  it('keeps rooms apart', async () => {
    const ann = await client.connect('/chat/lobby?username=ann');
    const carl = await client.connect('/chat/garden?username=carl');
    ann.sendJson({ type: 'chat', text: 'in the lobby' });
    expect(await ann.receiveJson()).toMatchObject({ text: 'in the lobby' });
    carl.sendJson({ type: 'chat', text: 'in the garden' });
    // Had the lobby message reached carl, it would have arrived before his own.
    expect(await carl.receiveJson()).toMatchObject({ username: 'carl', text: 'in the garden' });
  });

  it('announces who left', async () => {
    const ann = await client.connect('/chat/lobby?username=ann');
    const bob = await client.connect('/chat/lobby?username=bob');
    await ann.receiveJson(); // bob joined
    await bob.close();
    expect(await ann.receiveJson()).toEqual({ type: 'system', message: 'bob left lobby', members: 1 });
  });

  it('answers a message that fails validation (ChatMessage), and stays connected', async () => {
    const ann = await client.connect('/chat/lobby?username=ann');
    ann.sendJson({ type: 'chat', text: '' });
    expect(await ann.receiveJson()).toMatchObject({ type: 'error', error: 'validation' });
    ann.sendJson({ type: 'shout', text: 'HELLO' });
    expect(await ann.receiveJson()).toMatchObject({ type: 'error', error: 'unknown_type' });
    ann.sendJson({ type: 'chat', text: 'better' });
    expect(await ann.receiveJson()).toMatchObject({ type: 'chat', text: 'better' });
  });

  it('refuses a connection without a username (RequireUsernameMiddleware)', async () => {
    await expect(client.connect('/chat/lobby')).rejects.toMatchObject({ status: 400 });
  });
});
`,
  };
}
