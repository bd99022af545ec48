import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import {
  Conn,
  Message,
  OnConnect,
  OnMessage,
  Param,
  Query,
  User,
  WebSocket,
  WebSocketConnection,
  WsException,
} from '../../index';
import { AuthMiddleware, UseMiddleware } from '../../middleware';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import type { TestConnection } from '../../testing';
import { deferred } from '../helpers/async';

class Author {
  @IsString() @MaxLength(10) name!: string;
}

class ChatMessage {
  @IsString() @Length(1, 20) text!: string;
  @IsOptional() @IsIn(['plain', 'markdown']) format?: string;
  @IsOptional() @ValidateNested() @Type(() => Author) author?: Author;
}

class LoginCode {
  @IsString() @Length(4, 4) code!: string;
}

let slowGate = deferred();
/** What the `probe` handler saw of each payload. */
const probed: unknown[] = [];

@WebSocket('/chat/:room')
class ChatGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection) {
    ws.userData.user = { name: ws.queryParams.get('name') ?? 'anonymous' };
    await ws.accept(); // @OnConnect decides: returning without accept() would answer HTTP 403
  }

  @OnMessage('chat', ChatMessage)
  chat(@Message() msg: ChatMessage, @Param('room') room: string, @Query('name') name?: string) {
    return {
      room,
      name,
      keys: Object.keys(msg).sort(),
      text: msg.text,
      isDto: msg instanceof ChatMessage,
      authorIsDto: msg.author === undefined ? null : msg.author instanceof Author,
    };
  }

  @OnMessage('echo', null)
  echo(ws: WebSocketConnection, payload: Record<string, unknown>) {
    return { connection: ws instanceof WebSocketConnection, payload };
  }

  @OnMessage('slow', null)
  async slow() {
    await slowGate.promise;
    return 'slow done';
  }

  @OnMessage('silent', null)
  silent() {}

  @OnMessage('login', null)
  async login(ws: WebSocketConnection) {
    // A handler may take a follow-up message itself; dispatch waits until it returns.
    const answer = await ws.receiveJson(LoginCode, { timeout: 5000 });
    return `code ${answer.code}`;
  }

  @OnMessage('whoami', null)
  whoami(@User() user: { name: string }, @Conn() ws: WebSocketConnection) {
    return { user, path: ws.path };
  }

  @OnMessage('boom', null)
  boom() {
    throw new Error('kaput');
  }

  @OnMessage('reject', null)
  async reject() {
    throw new WsException('room_full', 'the room is full', { limit: 2 });
  }

  @OnMessage('reject-badly', null)
  rejectBadly() {
    throw new WsException('odd', 'data that JSON cannot hold', { n: 1n });
  }

  @OnMessage('unserializable', null)
  unserializable() {
    return 10n;
  }

  @OnMessage('join', null)
  async join(ws: WebSocketConnection, payload: { room: string }) {
    await ws.joinRoom(payload.room);
    return `joined ${payload.room}`;
  }

  @OnMessage('probe', null)
  probe(_ws: WebSocketConnection, payload: Record<string, unknown>) {
    const seen = {
      plainPrototype: Object.getPrototypeOf(payload) === Object.prototype,
      polluted: 'polluted' in payload,
      keys: Object.keys(payload),
    };
    probed.push(seen);
    return seen;
  }

  @OnMessage('shout', null)
  async shout(ws: WebSocketConnection, payload: { size: number }) {
    await ws.broadcastToAll('lobby', 'x'.repeat(payload.size));
  }
}

@WebSocket('/lenient', { validation: { forbidNonWhitelisted: false }, exposeErrors: true })
class LenientGateway {
  @OnMessage('chat', ChatMessage)
  chat(@Message() msg: ChatMessage) {
    return { keys: Object.keys(msg).sort(), text: msg.text };
  }

  @OnMessage('boom', null)
  boom() {
    throw new TypeError('kaput');
  }
}

@WebSocket('/events', { discriminator: 'event', idField: 'ref', defaultType: 'chat' })
class EventGateway {
  @OnMessage('chat', ChatMessage)
  chat(@Message() msg: ChatMessage) {
    return msg.text.toUpperCase();
  }
}

@WebSocket('/secure')
@UseMiddleware(new AuthMiddleware((_ws, token) => (token === 'secret' ? { name: 'admin' } : null)))
class SecureGateway {
  @OnMessage('whoami', null)
  whoami(@User() user: { name: string }) {
    return user;
  }
}

@WebSocket('/strict', {
  closeOn: ['invalid_json', 'unknown_type', 'validation', 'invalid_room', 'message_too_large', 'internal'],
})
class StrictGateway {
  @OnMessage('chat', ChatMessage)
  chat() {
    return 'ok';
  }

  @OnMessage('join', null)
  async join(ws: WebSocketConnection, payload: { room: string }) {
    await ws.joinRoom(payload.room);
  }

  @OnMessage('shout', null)
  async shout(ws: WebSocketConnection, payload: { size: number }) {
    await ws.broadcastToAll('lobby', 'x'.repeat(payload.size));
  }

  @OnMessage('boom', null)
  boom() {
    throw new Error('kaput');
  }
}

describe('@OnMessage dispatch over a real server', () => {
  let server: StartedApp;
  const log = captureLogger();
  const clients: TestConnection[] = [];
  const open = async (path: string): Promise<TestConnection> => {
    const client = await server.client.connect(path);
    clients.push(client);
    return client;
  };
  const ask = async (client: TestConnection, message: unknown): Promise<unknown> => {
    if (typeof message === 'string') client.sendText(message);
    else client.sendJson(message);
    return client.receiveJson();
  };

  beforeAll(async () => {
    server = await startApp({
      logger: log,
      gateways: [ChatGateway, LenientGateway, EventGateway, StrictGateway, SecureGateway],
    });
  });
  afterEach(() => Promise.all(clients.splice(0).map((c) => c.terminate())));
  afterAll(() => server.app.close());

  it('dispatches by type to a DTO instance, with path, query and request id', async () => {
    const client = await open('/chat/lobby?name=ann');
    expect(await ask(client, { type: 'chat', id: 7, text: 'hello' })).toEqual({
      type: 'chat',
      id: 7,
      data: { room: 'lobby', name: 'ann', keys: ['text'], text: 'hello', isDto: true, authorIsDto: null },
    });
    expect(await ask(client, { type: 'echo', id: 'req-1', a: [1, { b: 2 }] })).toEqual({
      type: 'echo',
      id: 'req-1',
      data: { connection: true, payload: { a: [1, { b: 2 }] } },
    });
    expect(await ask(client, { type: 'whoami' })).toEqual({
      type: 'whoami',
      data: { user: { name: 'ann' }, path: '/chat/lobby' },
    });
  });

  it('validates nested DTOs and reports dotted property paths', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, { type: 'chat', id: 1, text: 'hi', author: { name: 'bo' } })).toMatchObject({
      id: 1,
      data: { keys: ['author', 'text'], authorIsDto: true },
    });
    expect(await ask(client, { type: 'chat', id: 2, text: 'hi', author: { name: 'far too long a name' } })).toEqual({
      type: 'error',
      error: 'validation',
      id: 2,
      message: 'invalid "chat" message: name must be shorter than or equal to 10 characters',
      details: [{ property: 'author.name', constraints: { maxLength: 'name must be shorter than or equal to 10 characters' } }],
    });
  });

  it('answers a validation failure with every failed property and keeps the connection', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, { type: 'chat', id: 'v', text: '', format: 'html', extra: true })).toEqual({
      type: 'error',
      error: 'validation',
      id: 'v',
      message: 'invalid "chat" message: property extra should not exist (and 2 more, see details)',
      details: [
        { property: 'extra', constraints: { whitelistValidation: 'property extra should not exist' } },
        { property: 'text', constraints: { isLength: 'text must be longer than or equal to 1 characters' } },
        { property: 'format', constraints: { isIn: 'format must be one of the following values: plain, markdown' } },
      ],
    });
    expect(await ask(client, { type: 'chat', text: 'still here' })).toMatchObject({ data: { text: 'still here' } });
  });

  it('strips unknown properties when forbidNonWhitelisted is off', async () => {
    const client = await open('/lenient');
    expect(await ask(client, { type: 'chat', text: 'hi', extra: 1, isAdmin: true })).toEqual({
      type: 'chat',
      data: { keys: ['text'], text: 'hi' },
    });
  });

  it('answers unknown types, missing types and non-object messages with unknown_type', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, { type: 'nope', id: 5 })).toEqual({
      type: 'error',
      error: 'unknown_type',
      id: 5,
      message: 'no handler for message type "nope"',
    });
    expect(await ask(client, { text: 'no type' })).toEqual({
      type: 'error',
      error: 'unknown_type',
      message: 'the "type" field must be a string naming the message type',
    });
    expect(await ask(client, '[1,2]')).toEqual({
      type: 'error',
      error: 'unknown_type',
      message: 'expected a JSON object with a "type" field',
    });
  });

  it('answers invalid JSON and binary frames with invalid_json', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, '{"type": "chat",')).toEqual({
      type: 'error',
      error: 'invalid_json',
      message: expect.stringMatching(/JSON/) as unknown,
    });
    client.sendBytes(Buffer.from([1, 2, 3]));
    expect(await client.receiveJson()).toEqual({
      type: 'error',
      error: 'invalid_json',
      message: 'binary frames are not accepted: send a JSON object as text',
    });
    const tooDeep = { type: 'error', error: 'invalid_json', message: 'nesting is deeper than 32 levels (option maxJsonDepth)' };
    expect(await ask(client, '{"type":"echo","a":' + '['.repeat(40) + ']'.repeat(40) + '}')).toEqual(tooDeep);
    // Long input is measured before parsing: this is refused for its depth, not its missing brackets.
    expect(await ask(client, '{"type":"echo","a":' + '['.repeat(500_000))).toEqual(tooDeep);
    expect(await ask(client, { type: 'echo', id: 1 })).toMatchObject({ type: 'echo', id: 1 });
  });

  it('refuses __proto__ keys and object-valued constructor keys, so no handler sees a swapped prototype', async () => {
    const client = await open('/chat/lobby');
    // Control: the probe reports what a handler would see with the dangerous key renamed.
    expect(await ask(client, '{"type":"probe","id":0,"__proto_":{"polluted":"yes"}}')).toEqual({
      type: 'probe',
      id: 0,
      data: { plainPrototype: true, polluted: false, keys: ['__proto_'] },
    });
    const attacks = [
      // Copying the envelope off assigns key by key: this would make {polluted} the payload's prototype.
      '{"type":"probe","id":1,"__proto__":{"polluted":"yes"}}',
      '{"type":"chat","id":2,"text":"hi","__proto__":{"polluted":"yes"}}',
      '{"type":"echo","id":3,"nested":{"__proto__":{"polluted":"yes"}}}',
      '{"type":"echo","id":4,"constructor":{"prototype":{"polluted":"yes"}}}',
    ];
    for (const attack of attacks) {
      expect(await ask(client, attack)).toEqual({
        type: 'error',
        error: 'invalid_json',
        message: expect.stringMatching(/^key "(__proto__|constructor)" is not allowed/) as unknown,
      });
    }
    expect(probed).toEqual([{ plainPrototype: true, polluted: false, keys: ['__proto_'] }]);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // A constructor key with a plain value is just data.
    expect(await ask(client, '{"type":"echo","id":5,"constructor":"Ferrari"}')).toEqual({
      type: 'echo',
      id: 5,
      data: { connection: true, payload: { constructor: 'Ferrari' } },
    });
  });

  it('echoes string and number request ids as given, and rejects others', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, '{"type":"silent","id":{"x":1}}')).toEqual({
      type: 'error',
      error: 'validation',
      message: 'invalid request id: id must be a string or a finite number',
      details: [{ property: 'id', constraints: { isRequestId: 'id must be a string or a finite number' } }],
    });
    // 1e999 parses to Infinity, which JSON cannot echo.
    expect(await ask(client, '{"type":"silent","id":1e999}')).toMatchObject({ error: 'validation', message: /finite number/ });
    expect(await ask(client, '{"type":"echo","id":"007"}')).toMatchObject({ type: 'echo', id: '007' });
    expect(await ask(client, '{"type":"echo","id":-0.5}')).toMatchObject({ type: 'echo', id: -0.5 });
  });

  it('answers an invalid room name or a too-large broadcast from a handler with its own error code', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, { type: 'join', id: 1, room: '' })).toEqual({
      type: 'error',
      error: 'invalid_room',
      id: 1,
      message: 'invalid room name: must not be empty',
    });
    expect(await ask(client, { type: 'shout', id: 2, size: 1024 * 1024 + 1 })).toEqual({
      type: 'error',
      error: 'message_too_large',
      id: 2,
      message:
        'message of 1048577 bytes is over the 1048576-byte maxPayloadLength limit and was not sent ' +
        '(split it, or raise the maxPayloadLength option)',
    });
    expect(await ask(client, { type: 'join', id: 3, room: 'lobby' })).toEqual({ type: 'join', id: 3, data: 'joined lobby' });
  });

  it('answers a throwing handler with internal, logs it, and keeps the connection', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, { type: 'boom', id: 3 })).toEqual({ type: 'error', error: 'internal', id: 3, message: 'internal error' });
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ handler: 'ChatGateway.boom', type: 'boom' }) }),
    );
    expect(await ask(client, { type: 'unserializable', id: 4 })).toEqual({ type: 'error', error: 'internal', id: 4, message: 'internal error' });
    expect(await ask(client, { type: 'echo', id: 5 })).toMatchObject({ id: 5 });
  });

  it('includes error details only when exposeErrors (development mode) is on', async () => {
    const client = await open('/lenient');
    expect(await ask(client, { type: 'boom', id: 1 })).toEqual({
      type: 'error',
      error: 'internal',
      id: 1,
      message: 'internal error',
      details: { name: 'TypeError', message: 'kaput', stack: expect.stringContaining('TypeError: kaput') as unknown },
    });
  });

  it('sends a WsException as the error the handler chose', async () => {
    const client = await open('/chat/lobby');
    expect(await ask(client, { type: 'reject', id: 9 })).toEqual({
      type: 'error',
      error: 'room_full',
      id: 9,
      message: 'the room is full',
      data: { limit: 2 },
    });
    expect(await ask(client, { type: 'reject-badly', id: 10 })).toEqual({
      type: 'error',
      error: 'odd',
      id: 10,
      message: 'data that JSON cannot hold',
    });
  });

  it('sends nothing for undefined results and handles one message at a time, in order', async () => {
    const client = await open('/chat/lobby');
    slowGate = deferred();
    client.sendJson({ type: 'silent', id: 1 });
    client.sendJson({ type: 'slow', id: 2 });
    client.sendJson({ type: 'echo', id: 3 });
    slowGate.resolve();
    // The echo waited behind the slow handler (else its reply would come first); silent sent nothing.
    expect(await client.receiveJson()).toEqual({ type: 'slow', id: 2, data: 'slow done' });
    expect(await client.receiveJson()).toMatchObject({ type: 'echo', id: 3 });
  });

  it('lets a handler receive a follow-up message itself, answering bad ones', async () => {
    const client = await open('/chat/lobby');
    client.sendJson({ type: 'login', id: 1 });
    client.sendJson({ code: '1234' });
    client.sendJson({ type: 'echo', id: 2 });
    expect(await client.receiveJson()).toEqual({ type: 'login', id: 1, data: 'code 1234' });
    expect(await client.receiveJson()).toMatchObject({ type: 'echo', id: 2 });

    // Bad follow-ups are answered like bad messages: an error frame, and the connection stays.
    client.sendJson({ type: 'login', id: 3 });
    client.sendJson({ code: '1' });
    const tooShort = 'code must be longer than or equal to 4 characters';
    expect(await client.receiveJson()).toEqual({
      type: 'error',
      error: 'validation',
      id: 3,
      message: `invalid LoginCode: ${tooShort}`,
      details: [{ property: 'code', constraints: { isLength: tooShort } }],
    });
    client.sendJson({ type: 'login', id: 4 });
    client.sendBytes(Buffer.from([1]));
    expect(await client.receiveJson()).toEqual({
      type: 'error',
      error: 'unsupported_data',
      id: 4,
      message: 'expected a text message but received a binary message',
    });
    client.sendJson({ type: 'echo', id: 5 });
    expect(await client.receiveJson()).toMatchObject({ type: 'echo', id: 5 });
  });

  it('runs class middleware first: @User() gets what AuthMiddleware stored', async () => {
    expect(await server.client.upgradeStatus('/secure?token=wrong')).toBe(401);
    const client = await open('/secure?token=secret');
    expect(await ask(client, { type: 'whoami' })).toEqual({ type: 'whoami', data: { name: 'admin' } });
  });

  it('uses the configured discriminator, id field and default type in replies and errors', async () => {
    const client = await open('/events');
    expect(await ask(client, { event: 'chat', ref: 'r1', text: 'hey' })).toEqual({ event: 'chat', ref: 'r1', data: 'HEY' });
    // defaultType: a message without the discriminator field is a "chat".
    expect(await ask(client, { ref: 'r2', text: 'ho' })).toEqual({ event: 'chat', ref: 'r2', data: 'HO' });
    expect(await ask(client, { event: 'nope', ref: 2 })).toEqual({
      event: 'error',
      error: 'unknown_type',
      ref: 2,
      message: 'no handler for message type "nope"',
    });
  });

  it.each([
    ['invalid_json', '{oops', 1007],
    ['unknown_type', { type: 'nope' }, 1008],
    ['validation', { type: 'chat', text: '' }, 1007],
    ['invalid_room', { type: 'join', room: '' }, 1008],
    ['message_too_large', { type: 'shout', size: 1024 * 1024 + 1 }, 1009],
    ['internal', { type: 'boom' }, 1011],
  ])('closes after %s when the gateway asks to', async (error, message, code) => {
    const client = await open('/strict');
    expect(await ask(client, message)).toMatchObject({ type: 'error', error });
    expect((await client.expectClose()).code).toBe(code);
  });
});
