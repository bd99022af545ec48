import type { TemplateFile } from './template-file';

export function chatMessageDto(): TemplateFile {
  return {
    path: 'gateways/chat-message.dto.ts',
    content: `import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** What a client sends to say something: \`{ "text": "hello" }\`. */
export class ChatMessage {
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  text!: string;
}
`,
  };
}

export function chatGateway(): TemplateFile {
  return {
    path: 'gateways/chat.gateway.ts',
    content: `import { validate } from 'class-validator';
import { OnConnect, Param, Query, WebSocket, type WebSocketConnection } from 'proapi';
import { ChatMessage } from './chat-message.dto';

/**
 * A chat room: connect to /chat/<room>?username=<name> and send \`{ "text": "..." }\`;
 * every message comes back as \`{ "type": "message", "username": ..., "text": ... }\`.
 */
@WebSocket('/chat/:room')
export class ChatGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection, @Param('room') room: string, @Query('username') username?: string) {
    if (!username) {
      ws.deny(400, 'add ?username=<name> to the URL');
      return;
    }
    await ws.accept();
    await ws.sendJson({ type: 'system', message: \`\${username} joined \${room}\` });
    for (;;) {
      const message = Object.assign(new ChatMessage(), await ws.receiveJson());
      const errors = await validate(message);
      if (errors.length > 0) {
        await ws.sendJson({ type: 'error', errors: errors.flatMap((e) => Object.values(e.constraints ?? {})) });
        continue;
      }
      await ws.sendJson({ type: 'message', username, text: message.text });
    }
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

  it('greets the user and relays what they say', async () => {
    const ann = await client.connect('/chat/lobby?username=ann');
    expect(await ann.receiveJson()).toEqual({ type: 'system', message: 'ann joined lobby' });
    ann.sendJson({ text: 'hello' });
    expect(await ann.receiveJson()).toEqual({ type: 'message', username: 'ann', text: 'hello' });
  });

  it('answers a message that fails validation with its errors', async () => {
    const ann = await client.connect('/chat/lobby?username=ann');
    await ann.receiveJson();
    ann.sendJson({ text: '' });
    expect(await ann.receiveJson()).toEqual({ type: 'error', errors: ['text should not be empty'] });
  });

  it('refuses a connection without a username', async () => {
    await expect(client.connect('/chat/lobby')).rejects.toMatchObject({ status: 400 });
  });
});
`,
  };
}
