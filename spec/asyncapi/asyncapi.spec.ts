import { Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { silentLogger } from '../../index';
import { createApp as createChat } from '../../samples/chat';
import { createTestClient } from '../../testing';
import { httpGet } from '../helpers/http';
import { postsApp } from './posts-fixture';

async function parse(document: object): Promise<AsyncAPIDocumentInterface> {
  const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
  // Severity 0 is an error; 1 a warning. (2, information: "3.1.0 is the latest version".)
  expect(diagnostics.filter((d) => d.severity < 2).map((d) => `${d.message} at ${d.path.join('.')}`)).toEqual([]);
  expect(parsed).toBeDefined();
  return parsed as AsyncAPIDocumentInterface;
}

/** Every message of an operation as `name: payload property names`, read through the parser's model. */
function messagesOf(document: AsyncAPIDocumentInterface): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const operation of document.operations()) {
    for (const message of operation.messages()) {
      const payload = message.payload();
      const parts = payload?.allOf() ?? (payload ? [payload] : []);
      result[`${operation.action()} ${message.name()}`] = parts.flatMap((part) => Object.keys(part.properties() ?? {})).sort();
    }
  }
  return result;
}

describe('app.asyncapi()', () => {
  it("gives a document of the chat sample that the official parser accepts, naming every message type with its payload", async () => {
    const app = createChat({ logger: silentLogger });
    const document = app.asyncapi({ title: 'Chat', version: '0.1.0' });
    const parsed = await parse(document);
    expect(parsed.info().title()).toBe('Chat');
    expect(parsed.channels().all().map((c) => c.address())).toEqual(['/chat/{room}']);
    const described = app.describe().routes[0];
    const expected = [
      ...described.messages.map((m) => `receive ${m.type}`),
      ...described.emits.map((p) => `send ${p.type}`),
    ].sort();
    expect(Object.keys(messagesOf(parsed)).sort()).toEqual(expected);
    for (const [name, properties] of Object.entries(messagesOf(parsed))) {
      expect({ name, properties }).toEqual({ name, properties: expect.arrayContaining(['type']) });
      expect(properties.length).toBeGreaterThan(1); // the type and the DTO's own fields
    }
    const reply = parsed.operations().all().find((o) => o.action() === 'receive')?.reply();
    expect(reply?.messages().all().map((m) => m.name())).toContain('error');
  });

  it('describes nested DTOs (@Type) by $ref, keeps two classes of one name apart, and says when a class has no decorators', async () => {
    const document = postsApp().asyncapi();
    await parse(document);
    const { schemas } = document.components;
    expect(Object.keys(schemas).sort()).toEqual(['Author', 'Author2', 'PostReceipt', 'PostRequest', 'ProfileRequest', 'Tag', 'Undecorated']);
    expect(schemas.PostRequest).toMatchObject({
      type: 'object',
      required: ['author', 'tags'],
      properties: {
        author: { $ref: '#/components/schemas/Author' },
        tags: { type: 'array', items: { $ref: '#/components/schemas/Tag' } },
        state: { type: 'string', enum: ['draft', 'live'] },
      },
    });
    expect(schemas.Author).toMatchObject({ properties: { name: { type: 'string', maxLength: 40 } } });
    expect(schemas.ProfileRequest).toMatchObject({ properties: { author: { $ref: '#/components/schemas/Author2' } } });
    expect(schemas.Author2).toMatchObject({ properties: { age: { type: 'integer' } } });
    expect(schemas.Undecorated).toEqual({ type: 'object', description: expect.stringMatching(/no class-validator decorators/) });
  });

  it("uses the gateway's discriminator and id field, path and query parameters, headers, and AuthMiddleware's security", async () => {
    const document = postsApp().asyncapi();
    const parsed = await parse(document);
    const channel = document.channels.boards_board;
    expect(channel.address).toBe('/boards/{board}');
    expect(channel.parameters).toEqual({ board: { description: 'Path parameter :board.' } });
    expect(channel.bindings?.ws).toMatchObject({
      query: { properties: { limit: { type: 'string', description: 'A decimal number.' } } },
      headers: { properties: { 'x-client': { type: 'string' } } },
    });
    expect(document.channels.raw.address).toBe('/raw/{wildcard}');
    const post = channel.messages['post.request'];
    expect(post).toMatchObject({ name: 'post', payload: { allOf: [{ required: ['event'], properties: { event: { const: 'post' }, ref: {} } }, { $ref: '#/components/schemas/PostRequest' }] } });
    expect(channel.messages['post.reply']).toMatchObject({ payload: { properties: { event: { const: 'post' }, data: { $ref: '#/components/schemas/PostReceipt' } } } });
    expect(channel.messages.error).toEqual({ $ref: '#/components/messages/ErrorFrame_event_ref' });
    expect(channel.messages['board_closed.push']).toMatchObject({ name: 'board.closed' });

    expect(document.components.securitySchemes).toEqual({
      bearerHeader: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      bearer_query_token: expect.objectContaining({ type: 'httpApiKey', in: 'query', name: 'token' }),
      bearer_subprotocol_bearer: expect.objectContaining({ type: 'httpApiKey', in: 'header', name: 'Sec-WebSocket-Protocol' }),
    });
    const operation = parsed.operations().all().find((o) => o.id() === 'boards_board_receive_post');
    expect(operation?.security().map((requirements) => requirements.all().map((r) => r.scheme().type()))).toEqual([
      ['http'],
      ['httpApiKey'],
      ['httpApiKey'],
    ]);
  });

  it('is served at the asyncapi option path, as JSON', async () => {
    const client = await createTestClient(postsApp({ asyncapi: { path: '/asyncapi.json', title: 'Boards' } }));
    try {
      const response = await httpGet(client.url('/asyncapi.json').replace(/^ws/, 'http'));
      expect(response.status).toBe(200);
      expect(response.contentType).toBe('application/json; charset=utf-8');
      expect(JSON.parse(response.body)).toMatchObject({ asyncapi: '3.0.0', info: { title: 'Boards' } });
    } finally {
      await client.close();
    }
  });
});
