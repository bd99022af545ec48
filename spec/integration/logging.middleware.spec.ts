import type { WebSocketConnection } from '../../index';
import { LoggingMiddleware, type MiddlewareNext } from '../../middleware';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger, type LogEntry } from '../helpers/capture-logger';

async function echo(ws: WebSocketConnection): Promise<void> {
  await ws.accept(ws.requestedSubprotocols[0]);
  for await (const message of ws) {
    if (typeof message === 'string') await ws.sendText(message);
    else await ws.sendBytes(message);
  }
}

describe('LoggingMiddleware over a real server', () => {
  const logs = captureLogger();
  const appLogs = captureLogger();
  const customCalls: string[] = [];
  let server: StartedApp;

  // The spec's subclass: extra work, then the parent's behaviour.
  class CustomLoggingMiddleware extends LoggingMiddleware {
    override async handle(ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
      customCalls.push(`WebSocket connection to ${ws.path}`);
      return super.handle(ws, next);
    }
  }

  beforeAll(async () => {
    server = await startApp({ logger: appLogs }, (app) => {
      app.websocket('/logged', echo, { middlewares: [new LoggingMiddleware({ logMessages: true, logger: logs })] });
      app.websocket('/quiet', echo, { middlewares: [new LoggingMiddleware({ logger: logs, redact: ['room'] })] });
      app.websocket('/custom', echo, { middlewares: [new CustomLoggingMiddleware()] });
      app.websocket(
        '/broadcaster',
        async (ws) => {
          await ws.accept();
          await ws.joinRoom('logged-room');
          for await (const message of ws) await ws.broadcastToAll('logged-room', String(message));
        },
        { middlewares: [new LoggingMiddleware({ logMessages: true, logger: logs })] },
      );
      app.websocket('/extended', echo, { middlewares: [new LoggingMiddleware({ logger: logs, redact: ['room'] })] });
      app.websocket('/no-defaults', echo, {
        middlewares: [new LoggingMiddleware({ logger: logs, redact: ['room'], redactDefaults: false })],
      });
    });
  });
  afterAll(() => server.app.close());

  const lineOf = (requestId: string, event: string) => (entry: LogEntry) =>
    entry.fields.requestId === requestId && entry.fields.event === event;

  it('logs connect, each message and disconnect, with secrets redacted', async () => {
    const client = await server.client.connect('/logged?token=secret&room=lobby', {
      headers: { Authorization: 'Bearer hunter2', Cookie: 'sid=cookie-value', 'X-Request-Id': 'req-1' },
      protocols: ['bearer', 'subprotocol-token'],
    });
    client.sendText('hello');
    await client.receive();
    client.sendBytes(Buffer.from([1, 2, 3]));
    await client.receive();
    client.sendText('x'.repeat(300));
    await client.receive();
    await client.close(1000, 'bye');
    const disconnect = await logs.waitFor(lineOf('req-1', 'disconnect'), 'the disconnect line');

    const connectLine = logs.entries.find(lineOf('req-1', 'connect'));
    expect(connectLine?.message).toBe('websocket connect');
    expect(connectLine?.fields).toMatchObject({
      path: '/logged',
      query: { token: '[REDACTED]', room: 'lobby' },
      client: '127.0.0.1',
      subprotocols: ['bearer', '[REDACTED]'],
      headers: {
        authorization: '[REDACTED]',
        cookie: '[REDACTED]',
        'sec-websocket-protocol': 'bearer, [REDACTED]',
        'x-request-id': 'req-1',
      },
    });
    const bytes = 5 + 3 + 300;
    expect(disconnect.fields).toMatchObject({
      code: 1000,
      reason: 'bye',
      subprotocol: 'bearer',
      messagesIn: 3,
      bytesIn: bytes,
      messagesOut: 3,
      bytesOut: bytes,
    });
    expect(disconnect.fields.durationMs).toEqual(expect.any(Number));

    const messages = logs.entries.filter(lineOf('req-1', 'message')).map((e) => e.fields);
    expect(messages).toEqual([
      { event: 'message', requestId: 'req-1', direction: 'in', bytes: 5, text: 'hello' },
      { event: 'message', requestId: 'req-1', direction: 'out', bytes: 5, text: 'hello' },
      { event: 'message', requestId: 'req-1', direction: 'in', bytes: 3, binary: true },
      { event: 'message', requestId: 'req-1', direction: 'out', bytes: 3, binary: true },
      { event: 'message', requestId: 'req-1', direction: 'in', bytes: 300, text: `${'x'.repeat(200)}…` },
      { event: 'message', requestId: 'req-1', direction: 'out', bytes: 300, text: `${'x'.repeat(200)}…` },
    ]);
    const everything = JSON.stringify(logs.entries);
    for (const secret of ['secret', 'hunter2', 'cookie-value', 'subprotocol-token']) expect(everything).not.toContain(secret);
  });

  it('logs and counts a room broadcast the connection makes as one message out, with its room', async () => {
    const client = await server.client.connect('/broadcaster', { headers: { 'X-Request-Id': 'req-room' } });
    client.sendText('to all');
    expect(await client.receiveText()).toBe('to all');
    await client.close();
    const disconnect = await logs.waitFor(lineOf('req-room', 'disconnect'), 'the disconnect line');
    expect(disconnect.fields).toMatchObject({ messagesIn: 1, messagesOut: 1, bytesOut: 6 });
    expect(logs.entries.filter(lineOf('req-room', 'message')).map((e) => e.fields)).toEqual([
      { event: 'message', requestId: 'req-room', direction: 'in', bytes: 6, text: 'to all' },
      { event: 'message', requestId: 'req-room', direction: 'out', bytes: 6, room: 'logged-room', text: 'to all' },
    ]);
  });

  it('redacts every query parameter and header whose name looks secret, in any case', async () => {
    const query = 'access-token=q1&jwt=q2&api-key=q3&apikey=q4&auth=q5&session=q6&Password=q7&room=lobby&username=ann';
    const client = await server.client.connect(`/logged?${query}`, {
      headers: { 'X-Api-Key': 'h1', 'X-Auth-Token': 'h2', 'X-Request-Id': 'req-names' },
      protocols: ['Bearer', 'p1'],
    });
    await client.close();
    await logs.waitFor(lineOf('req-names', 'disconnect'), 'the disconnect line');
    const connectLine = logs.entries.find(lineOf('req-names', 'connect'));
    const hidden = '[REDACTED]';
    expect(connectLine?.fields.query).toEqual({
      'access-token': hidden,
      jwt: hidden,
      'api-key': hidden,
      apikey: hidden,
      auth: hidden,
      session: hidden,
      Password: hidden,
      room: 'lobby',
      username: 'ann',
    });
    expect(connectLine?.fields).toMatchObject({
      subprotocols: ['Bearer', hidden],
      headers: { 'x-api-key': hidden, 'x-auth-token': hidden, 'sec-websocket-protocol': `Bearer, ${hidden}`, 'x-request-id': 'req-names' },
    });
    const everything = JSON.stringify(logs.entries.filter((e) => e.fields.requestId === 'req-names'));
    for (const secret of ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'h1', 'h2', 'p1']) expect(everything).not.toContain(`"${secret}`);
  });

  it('adds the redact names to the defaults, and drops the defaults with redactDefaults: false', async () => {
    const extended = await server.client.connect('/extended?room=lobby&token=t1');
    await extended.close();
    const noDefaults = await server.client.connect('/no-defaults?room=lobby&token=t2');
    await noDefaults.close();
    const queryOf = async (path: string): Promise<unknown> => {
      const line = await logs.waitFor((e) => e.fields.event === 'connect' && e.fields.path === path, `the connect line of ${path}`);
      return line.fields.query;
    };
    expect(await queryOf('/extended')).toEqual({ room: '[REDACTED]', token: '[REDACTED]' });
    expect(await queryOf('/no-defaults')).toEqual({ room: '[REDACTED]', token: 't2' });
  });

  it('logs no messages by default, takes its own redact list, and makes up a request id', async () => {
    const client = await server.client.connect('/quiet?room=lobby&user=ann');
    client.sendText('hello');
    await client.receive();
    await client.close(null); // no status code: the server sees 1005
    const disconnect = await logs.waitFor(
      (e) => e.fields.event === 'disconnect' && e.fields.path === '/quiet',
      'the disconnect line',
    );
    const requestId = disconnect.fields.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.entries.find(lineOf(requestId, 'connect'))?.fields.query).toEqual({ room: '[REDACTED]', user: 'ann' });
    expect(logs.entries.filter(lineOf(requestId, 'message'))).toEqual([]);
    expect(disconnect.fields).toMatchObject({ messagesIn: 1, messagesOut: 1, code: 1005 });
  });

  it('supports subclassing with super.handle(), and logs to the app logger by default', async () => {
    const client = await server.client.connect('/custom');
    await client.close();
    await appLogs.waitFor((e) => e.fields.event === 'disconnect' && e.fields.path === '/custom', 'the disconnect line');
    expect(customCalls).toEqual(['WebSocket connection to /custom']);
    expect(appLogs.entries.some((e) => e.fields.event === 'connect' && e.fields.path === '/custom')).toBe(true);
  });
});
