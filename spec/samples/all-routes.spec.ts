import { createApp } from '../../samples/all-routes';
import { createTestClient, type TestClient } from '../../testing';
import { captureLogger } from '../helpers/capture-logger';
import { httpGet } from '../helpers/http';
import { freePort, startNpm, stopProcess } from '../helpers/process';

describe('`npm start` (samples/all-routes.ts): every route of the spec on one port', () => {
  const logs = captureLogger();
  let client: TestClient;
  beforeEach(async () => {
    client = await createTestClient(createApp({ logger: logs }));
  });
  afterEach(() => client.close());

  it('serves /ws, /chat/:room, /secure, /limited and /logged, and the page at /', async () => {
    expect(createApp({ logger: logs }).routes.map((route) => [route.path, route.middlewares])).toEqual([
      ['/chat/:room', []],
      ['/ws', []],
      ['/secure', ['AuthMiddleware']],
      ['/limited', ['RateLimitMiddleware']],
      ['/logged', ['LoggingMiddleware']],
    ]);
    const page = await httpGet(`http://127.0.0.1:${client.port}/`);
    expect(page.body).toContain('<title>ProAPI chat</title>');
  });

  it('/ws echoes, and closes normally when the client leaves', async () => {
    const conn = await client.connect('/ws');
    conn.sendText('hello');
    expect(await conn.receiveText()).toBe('Echo: hello');
    expect(await conn.close()).toEqual({ code: 1000, reason: '' });
  });

  it('/chat/:room is the chat', async () => {
    const conn = await client.connect('/chat/lobby?username=zoe');
    expect(await conn.receiveJson()).toEqual({ type: 'system', message: 'Welcome to lobby, zoe', members: 1 });
    conn.sendJson({ type: 'message', content: 'hi' });
    expect(await conn.receiveJson()).toEqual({ type: 'message', username: 'zoe', content: 'hi', you: true });
  });

  it('/secure welcomes the token "secret" as admin and answers its messages; a wrong or missing token gets HTTP 401', async () => {
    const conn = await client.connect('/secure?token=secret');
    expect(await conn.receiveJson()).toEqual({ message: 'Welcome, admin!' });
    conn.sendJson({ type: 'message', content: 'Hello, server!' });
    expect(await conn.receiveJson()).toEqual({ type: 'message', username: 'admin', content: 'Hello, server!' });
    conn.sendJson({ type: 'system', content: 'spoof' });
    expect(await conn.receiveJson()).toEqual({ type: 'error', error: 'validation', message: 'type must be "message"' });
    conn.sendJson({ type: 'message', content: 'still here' });
    expect(await conn.receiveJson()).toMatchObject({ content: 'still here' });

    for (const path of ['/secure?token=wrong', '/secure']) {
      await expect(client.connect(path)).rejects.toMatchObject({ status: 401 });
    }
    const bearer = await client.connect('/secure', { headers: { Authorization: 'Bearer secret' } });
    expect(await bearer.receiveJson()).toEqual({ message: 'Welcome, admin!' });
  });

  it('/limited echoes 5 messages in 10 s, and closes on the 6th with 1008', async () => {
    const conn = await client.connect('/limited');
    for (let i = 1; i <= 6; i++) conn.sendText(`m${i}`);
    for (let i = 1; i <= 5; i++) expect(await conn.receiveText()).toBe(`Echo: m${i}`);
    expect(await conn.expectClose(1008)).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    // Closed by the middleware: not an error of the echo.
    expect(logs.entries.filter((entry) => entry.message === 'WebSocket error')).toEqual([]);
  });

  it('/logged logs the connection and every message, in and out', async () => {
    const conn = await client.connect('/logged', { headers: { 'X-Request-Id': 'logged-1' } });
    conn.sendText('note this');
    expect(await conn.receiveText()).toBe('Echo: note this');
    await conn.close();
    await logs.waitFor((e) => e.fields.event === 'disconnect' && e.fields.requestId === 'logged-1', 'the disconnect line');
    const lines = logs.entries.filter((e) => e.fields.requestId === 'logged-1').map((e) => [e.fields.event, e.fields.direction, e.fields.text]);
    expect(lines).toEqual([
      ['connect', undefined, undefined],
      ['message', 'in', 'note this'],
      ['message', 'out', 'Echo: note this'],
      ['disconnect', undefined, undefined],
    ]);
  });
});

describe('`npm start` as a process', () => {
  it('prints the ready line, the routes and the page address, says it binds every interface, and serves', async () => {
    const port = await freePort();
    const { child, output } = await startNpm(['start'], port, { until: 'HOST=127.0.0.1 keeps it on this one' });
    try {
      const printed = output();
      expect(printed).toContain(`listening on ws://127.0.0.1:${port}\n`);
      expect(printed).toContain('WebSocket routes: /chat/:room /ws /secure /limited /logged\n');
      expect(printed).toContain(`page: http://127.0.0.1:${port}/\n`);
      expect(printed).toContain('bound to every interface (0.0.0.0), so other machines can connect too; HOST=127.0.0.1 keeps it on this one');
      expect((await httpGet(`http://127.0.0.1:${port}/`)).body).toContain('<title>ProAPI chat</title>');
      const client = await createTestClient(`ws://127.0.0.1:${port}`); // the server in the other process
      try {
        const secure = await client.connect('/secure?token=secret');
        expect(await secure.receiveJson()).toEqual({ message: 'Welcome, admin!' });
        const echo = await client.connect('/ws');
        echo.sendText('hi');
        expect(await echo.receiveText()).toBe('Echo: hi');
      } finally {
        await client.close();
      }
    } finally {
      await stopProcess(child);
    }
  }, 60_000);

  it('with HOST=127.0.0.1, binds loopback only and says nothing of other interfaces', async () => {
    const port = await freePort();
    const { child, output } = await startNpm(['start'], port, { env: { HOST: '127.0.0.1' }, until: 'page: ' });
    try {
      expect(output()).toContain(`page: http://127.0.0.1:${port}/\n`);
      expect(output()).not.toContain('every interface');
    } finally {
      await stopProcess(child);
    }
  }, 60_000);
});
