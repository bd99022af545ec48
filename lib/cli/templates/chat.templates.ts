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

export function chatEventsDto(): TemplateFile {
  return {
    path: 'gateways/chat-events.dto.ts',
    content: `import { IsInt, IsString } from 'class-validator';

// What the chat sends. The server does not validate these: their decorators describe the fields
// for typed clients (\`npm run client\`) and API documents (\`npx proapi asyncapi\`).

/** Everyone in the room, the sender included, receives \`{ "type": "chat", "username", "text" }\`. */
export class ChatLine {
  @IsString() username!: string;
  @IsString() text!: string;
}

/** \`{ "type": "system", "message", "members" }\` when someone joins or leaves. */
export class SystemNotice {
  @IsString() message!: string;
  @IsInt() members!: number;
}

/** The reply to \`{ "type": "members", "id": 1 }\`: how many are in the room. */
export class RoomMembers {
  @IsInt() members!: number;
}
`,
  };
}

export function chatGateway(): TemplateFile {
  return {
    path: 'gateways/chat.gateway.ts',
    content: `import { Conn, Emits, Message, OnConnect, OnDisconnect, OnMessage, Param, WebSocket, type WebSocketConnection } from 'proapi';
import { UseMiddleware } from 'proapi/middleware';
import { RequireUsernameMiddleware, type ChatUser } from '../middleware/require-username.middleware';
import { ChatLine, RoomMembers, SystemNotice } from './chat-events.dto';
import { ChatMessage } from './chat-message.dto';

type ChatConnection = WebSocketConnection<ChatUser>;

/**
 * One chat room per URL: connect to /chat/<room>?username=<name> and send
 * \`{ "type": "chat", "text": "hello" }\`; everyone in the room, you included, receives
 * \`{ "type": "chat", "username": "ann", "text": "hello" }\`. Joins and leaves are announced
 * to the others with the room's size. \`{ "type": "members", "id": 1 }\` is answered with
 * \`{ "type": "members", "id": 1, "data": { "members": 2 } }\`.
 */
@WebSocket('/chat/:room')
@UseMiddleware(RequireUsernameMiddleware)
@Emits({ chat: ChatLine, system: SystemNotice })
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

  /** A request with a reply: what it returns goes back to the sender, with the request's id. */
  @OnMessage('members', null, { reply: RoomMembers })
  async members(@Param('room') room: string, @Conn() ws: ChatConnection): Promise<RoomMembers> {
    return { members: await ws.getRoomSize(room) };
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

export function chatClientSpec(): TemplateFile {
  return {
    path: 'spec/chat.client.spec.ts',
    content: `import { silentLogger } from 'proapi';
import { createClient, ServerError, type ProAPIClient } from 'proapi/client';
import { createTestClient, type TestClient } from 'proapi/testing';
import { createApp } from '../app';
import type { ChatGatewayApi } from '../client/chat-api';

/** The chat as a typed client sees it: client/chat-api.ts is what \`npm run client\` writes from the gateway. */
describe('ChatGateway through proapi/client', () => {
  let server: TestClient;
  const clients: ProAPIClient<ChatGatewayApi>[] = [];
  beforeEach(async () => {
    server = await createTestClient(createApp({ logger: silentLogger }));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await server.close();
  });

  function connect(username: string): ProAPIClient<ChatGatewayApi> {
    const client = createClient<ChatGatewayApi>(server.url(\`/chat/lobby?username=\${username}\`));
    clients.push(client);
    return client;
  }

  it('answers requests, and delivers the pushes by type', async () => {
    const ann = connect('ann');
    await ann.whenConnected();
    const joined = new Promise<string>((resolve) => ann.on('system', (notice) => resolve(notice.message)));
    const bob = connect('bob');
    await bob.whenConnected();
    expect(await joined).toBe('bob joined lobby');
    expect(await bob.request('members', {})).toEqual({ members: 2 });

    const heard = new Promise((resolve) => bob.on('chat', resolve));
    ann.send('chat', { text: 'hello' });
    expect(await heard).toEqual({ type: 'chat', username: 'ann', text: 'hello' });
  });

  it('rejects what ChatMessage refuses, with the validation error of the server', async () => {
    const ann = connect('ann');
    const refused = await ann.request('chat', { text: '' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServerError);
    expect((refused as ServerError).issues.map((issue) => issue.property)).toEqual(['text']);
  });
});
`,
  };
}
