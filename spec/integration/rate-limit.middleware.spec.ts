import { CloseCode, type WebSocketConnection } from '../../index';
import { RateLimitMiddleware, type RateLimitOptions } from '../../middleware';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import type { TestConnection } from '../../testing';
import { withTimeout } from '../helpers/async';

/** Echoes every message it receives: what the handler saw is what comes back. */
async function echo(ws: WebSocketConnection): Promise<void> {
  await ws.accept();
  for await (const message of ws) await ws.sendText(`echo ${String(message)}`);
}

async function sendAndExpectEcho(client: TestConnection, text: string): Promise<void> {
  client.sendText(text);
  expect(await client.receiveText()).toBe(`echo ${text}`);
}

/** A clock the test sets, which also tells when the server read it (i.e. handled a message). */
class FakeClock {
  now = 0;
  private readers: (() => void)[] = [];
  readonly read = (): number => {
    const readers = this.readers;
    this.readers = [];
    for (const resolve of readers) resolve();
    return this.now;
  };
  /** Sends `text` and resolves once the rate limiter has looked at it. */
  sendAndWaitForLimiter(client: TestConnection, text: string): Promise<void> {
    const seen = withTimeout(new Promise<void>((resolve) => this.readers.push(resolve)), 5000, `the limiter to see "${text}"`);
    client.sendText(text);
    return seen;
  }
}

describe('RateLimitMiddleware over a real server, with an injected clock', () => {
  const fake = new FakeClock();
  const clock = fake.read;
  let server: StartedApp;

  const limited = (path: string, options: Partial<RateLimitOptions> = {}) => (app: import('../../index').ProAPI) =>
    app.websocket(path, echo, {
      middlewares: [new RateLimitMiddleware({ maxMessages: 3, windowSeconds: 10, clock, ...options })],
    });

  beforeAll(async () => {
    server = await startApp({}, (app) => {
      limited('/close')(app);
      limited('/drop', { onLimit: 'drop' })(app);
      limited('/custom', { onLimit: (ws, message) => void ws.sendText(`slow down, dropped ${String(message)}`) })(app);
      limited('/shared', { key: () => 'everyone' })(app);
    });
  });
  afterAll(() => server.app.close());
  beforeEach(() => (fake.now = 0));

  it('passes exactly maxMessages in a window, then closes with 1008', async () => {
    const client = await server.client.connect('/close');
    for (const text of ['a', 'b', 'c']) await sendAndExpectEcho(client, text);
    client.sendText('d');
    expect(await client.expectClose()).toEqual({ code: CloseCode.POLICY_VIOLATION, reason: 'rate limit exceeded' });
    expect(client.queuedMessages).toEqual([]);
  });

  it('limits each connection on its own by default', async () => {
    const first = await server.client.connect('/close');
    const second = await server.client.connect('/close');
    for (const text of ['a', 'b', 'c']) await sendAndExpectEcho(first, text);
    for (const text of ['x', 'y', 'z']) await sendAndExpectEcho(second, text);
    await first.close();
    await second.close();
  });

  it("with 'drop' drops the excess message, keeps the connection, and passes messages again after the window", async () => {
    const client = await server.client.connect('/drop');
    for (const text of ['a', 'b', 'c']) await sendAndExpectEcho(client, text);
    await fake.sendAndWaitForLimiter(client, 'dropped');
    fake.now = 10_000;
    await sendAndExpectEcho(client, 'after window'); // 'dropped' never reached the handler
    await client.close();
  });

  it('slides the window exactly: a message passes as soon as the oldest one is windowSeconds old', async () => {
    const client = await server.client.connect('/drop');
    await sendAndExpectEcho(client, 't0 a');
    await sendAndExpectEcho(client, 't0 b');
    fake.now = 5_000;
    await sendAndExpectEcho(client, 't5');
    fake.now = 9_999;
    await fake.sendAndWaitForLimiter(client, 't9.999 dropped');
    fake.now = 10_000;
    await sendAndExpectEcho(client, 't10 a'); // 't0 a' left the window
    await sendAndExpectEcho(client, 't10 b'); // 't0 b' left the window
    await fake.sendAndWaitForLimiter(client, 't10 dropped'); // t5, t10 a, t10 b are within the window
    fake.now = 15_000;
    await sendAndExpectEcho(client, 't15');
    await client.close();
  });

  it('lets a custom onLimit callback answer and keep the connection', async () => {
    const client = await server.client.connect('/custom');
    for (const text of ['a', 'b', 'c']) await sendAndExpectEcho(client, text);
    client.sendText('d');
    expect(await client.receiveText()).toBe('slow down, dropped d');
    fake.now = 10_000;
    await sendAndExpectEcho(client, 'e');
    await client.close();
  });

  it('shares one limit between connections with the same key', async () => {
    const first = await server.client.connect('/shared');
    const second = await server.client.connect('/shared');
    await sendAndExpectEcho(first, 'a');
    await sendAndExpectEcho(second, 'b');
    await sendAndExpectEcho(first, 'c');
    second.sendText('d');
    expect((await second.expectClose()).code).toBe(CloseCode.POLICY_VIOLATION);
    expect((await first.close()).code).toBe(1000);
    // A reconnect within the window does not reset the key's limit.
    const third = await server.client.connect('/shared');
    third.sendText('e');
    expect((await third.expectClose()).code).toBe(CloseCode.POLICY_VIOLATION);
    fake.now = 10_000;
    const fourth = await server.client.connect('/shared');
    await sendAndExpectEcho(fourth, 'f');
    await fourth.close();
  });

  it('remembers at most maxIdleKeys keys without connections, forgetting the least recently used first', async () => {
    const local = await startApp({}, (app) =>
      app.websocket('/keyed', echo, {
        middlewares: [
          new RateLimitMiddleware({
            maxMessages: 1,
            windowSeconds: 10,
            clock,
            key: (ws) => ws.queryParams.get('k') ?? undefined,
            maxIdleKeys: 2,
          }),
        ],
      }),
    );
    const useUp = async (key: string): Promise<void> => {
      const client = await local.client.connect(`/keyed?k=${key}`);
      await sendAndExpectEcho(client, key);
      expect((await client.close()).code).toBe(1000);
    };
    try {
      await useUp('a');
      await useUp('b');
      const stillLimited = await local.client.connect('/keyed?k=a'); // 'a' is now the most recently used
      stillLimited.sendText('again');
      expect((await stillLimited.expectClose()).code).toBe(CloseCode.POLICY_VIOLATION);
      await useUp('c'); // three idle keys: 'b', the least recently used, is forgotten
      const aStillLimited = await local.client.connect('/keyed?k=a');
      aStillLimited.sendText('again');
      expect((await aStillLimited.expectClose()).code).toBe(CloseCode.POLICY_VIOLATION);
      await useUp('b'); // a fresh limit
    } finally {
      await local.app.close();
    }
  });

  it("logs the first message 'drop' drops on a connection, and only the first", async () => {
    const logs = captureLogger();
    const local = await startApp({}, (app) =>
      app.websocket('/drop-logged', echo, {
        middlewares: [new RateLimitMiddleware({ maxMessages: 1, windowSeconds: 10, clock, onLimit: 'drop', logger: logs })],
      }),
    );
    try {
      const client = await local.client.connect('/drop-logged');
      await sendAndExpectEcho(client, 'a');
      await fake.sendAndWaitForLimiter(client, 'dropped 1');
      await fake.sendAndWaitForLimiter(client, 'dropped 2');
      const drops = logs.entries.filter((e) => e.message.startsWith('rate limit exceeded'));
      expect(drops).toEqual([
        expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ path: '/drop-logged', maxMessages: 1 }) }),
      ]);
      await client.close();
    } finally {
      await local.app.close();
    }
  });

  it('rejects bad options with a hint', () => {
    expect(() => new RateLimitMiddleware({ maxMessages: 0, windowSeconds: 10 })).toThrow(/maxMessages must be a positive integer/);
    expect(() => new RateLimitMiddleware({ maxMessages: 5, windowSeconds: -1 })).toThrow(/windowSeconds/);
    expect(() => new RateLimitMiddleware({ maxMessages: 5, windowSeconds: 1, maxIdleKeys: -1 })).toThrow(/maxIdleKeys/);
  });
});
