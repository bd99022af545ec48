import { ProAPI, silentLogger, type CloseInfo } from '../../index';
import { AuthMiddleware } from '../../middleware';
import { createTestClient, UnexpectedMessageError, UpgradeRefusedError, type TestClient } from '../../testing';
import { deferred, withTimeout } from '../helpers/async';

const CHUNK = Buffer.alloc(64 * 1024, 1);
const BACKPRESSURE_BYTES = 1024 * 1024;

/** What `/flood` did: how many chunks it sent, and whether uWS had to buffer them. */
interface Flood {
  sent: number;
  buffered: boolean;
}

function buildApp(events: { serverClose?: (info: CloseInfo) => void; flood?: (result: Flood) => void } = {}): ProAPI {
  const app = new ProAPI({ logger: silentLogger, maxBackpressure: 64 * 1024 * 1024 });
  app.websocket('/echo', async (ws) => {
    await ws.accept();
    void ws.waitForClose().then((info) => events.serverClose?.(info));
    for await (const message of ws) await ws.sendText(String(message));
  });
  app.websocket('/silent', async (ws) => {
    await ws.accept();
    await ws.waitForClose();
  });
  app.websocket('/kick', async (ws) => {
    await ws.accept();
    await ws.sendText('first');
    await ws.sendBytes(Buffer.from([1, 2]));
    await ws.close(4001, 'kicked');
  });
  app.websocket('/secure', async (ws) => ws.accept(), { middlewares: [new AuthMiddleware(() => null)] });
  app.websocket('/flood', async (ws) => {
    await ws.accept();
    await ws.receiveText(); // the client is ready
    // Yields between sends, so a client that reads would keep uWS's buffer empty.
    let sent = 0;
    while (ws.bufferedAmount <= BACKPRESSURE_BYTES && sent < 2000) {
      void ws.sendBytes(CHUNK);
      sent++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    events.flood?.({ sent, buffered: ws.bufferedAmount > BACKPRESSURE_BYTES });
    await ws.waitForClose();
  });
  return app;
}

describe('proapi/testing additions', () => {
  let client: TestClient;
  let serverClosed = deferred<CloseInfo>();
  let flooded = deferred<Flood>();
  beforeAll(async () => {
    client = await createTestClient(buildApp({ serverClose: (info) => serverClosed.resolve(info), flood: (result) => flooded.resolve(result) }));
  });
  afterAll(() => client.close());

  describe('expectNoMessage({ within })', () => {
    it('resolves when nothing arrives in the window', async () => {
      const conn = await client.connect('/silent');
      await expect(conn.expectNoMessage({ within: 30 })).resolves.toBeUndefined();
      await conn.close();
    });

    it('rejects as soon as a message arrives, naming it, and leaves it queued', async () => {
      const conn = await client.connect('/echo');
      // The window is far longer than the test timeout: only the arriving message can end it.
      const silence = conn.expectNoMessage({ within: 60_000 });
      conn.sendText('surprise');
      await expect(silence).rejects.toBeInstanceOf(UnexpectedMessageError);
      await expect(silence).rejects.toThrow('expected no message within 60000 ms on /echo but received a text message: "surprise"');
      expect(await conn.receiveText()).toBe('surprise');
      await conn.close();
    });

    it('rejects at once when a message is already queued', async () => {
      const conn = await client.connect('/kick');
      await conn.expectClose(4001); // 'first' came before the close
      await expect(conn.expectNoMessage({ within: 60_000 })).rejects.toThrow('but received a text message: "first"');
    });
  });

  it('upgradeStatus() answers 101 for an accepted upgrade (and closes it), or the refusal status', async () => {
    serverClosed = deferred<CloseInfo>();
    expect(await client.upgradeStatus('/echo')).toBe(101);
    expect(await withTimeout(serverClosed.promise, 3000, 'the server to see the close')).toEqual({ code: 1000, reason: '' });
    expect(await client.upgradeStatus('/secure')).toBe(401);
    expect(await client.upgradeStatus('/nowhere')).toBe(404);
  });

  it('UpgradeRefusedError carries the response headers', async () => {
    const refused = await client.connect('/secure').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpgradeRefusedError);
    expect(refused).toMatchObject({ status: 401, body: 'authentication required', headers: { 'www-authenticate': 'Bearer' } });
  });

  it('queuedMessages shows what arrived and was not taken, still readable after the close', async () => {
    const conn = await client.connect('/kick');
    await conn.expectClose(4001);
    const queued = conn.queuedMessages;
    expect(queued).toEqual(['first', Buffer.from([1, 2])]);
    queued.length = 0; // a copy: the connection's queue is untouched
    expect(await conn.receiveText()).toBe('first');
    expect(conn.queuedMessages).toEqual([Buffer.from([1, 2])]);
  });

  it('terminate() drops the connection without a closing handshake', async () => {
    serverClosed = deferred<CloseInfo>();
    const conn = await client.connect('/echo');
    expect(await conn.terminate()).toEqual({ code: 1006, reason: '' });
    expect(conn.closeCode).toBe(1006);
    expect(await withTimeout(serverClosed.promise, 3000, 'the server to see the drop')).toMatchObject({ code: 1006 });
  });

  it('close(null) sends a close frame without a status code', async () => {
    serverClosed = deferred<CloseInfo>();
    const conn = await client.connect('/echo');
    expect(await conn.close(null)).toMatchObject({ code: 1005 });
    expect(await withTimeout(serverClosed.promise, 3000, 'the server to see the close')).toMatchObject({ code: 1005 });
    await expect(conn.close(null, 'why')).rejects.toThrow('a close frame without a status code cannot carry a reason');
  });

  it('pauseReading() makes the server buffer; resumeReading() delivers everything, in order', async () => {
    flooded = deferred<Flood>();
    const conn = await client.connect('/flood');
    conn.pauseReading();
    conn.sendText('go');
    const { sent, buffered } = await withTimeout(flooded.promise, 20_000, 'the server to flood the paused client');
    expect(buffered).toBe(true);
    expect(sent).toBeLessThan(2000);
    conn.resumeReading();
    for (let i = 0; i < sent; i++) expect((await conn.receiveBytes({ timeout: 10_000 })).length).toBe(CHUNK.length);
    await conn.close();
  });
});

describe('createTestClient(url) for a server that is already running', () => {
  it('talks to it by URL and never stops it', async () => {
    const app = buildApp();
    const port = await app.listen(0, '127.0.0.1');
    try {
      const client = await createTestClient(`ws://127.0.0.1:${port}`);
      expect(client.ownsApp).toBe(false);
      expect(client.port).toBe(port);
      expect(client.url('/echo')).toBe(`ws://127.0.0.1:${port}/echo`);
      const conn = await client.connect('/echo');
      conn.sendText('by url');
      expect(await conn.receiveText()).toBe('by url');
      await client.close();
      expect(app.listening).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('refuses a URL that is not a server base URL', async () => {
    await expect(createTestClient('http://127.0.0.1:1')).rejects.toThrow('createTestClient() takes a server\'s base URL such as "ws://127.0.0.1:8080"');
    await expect(createTestClient('ws://127.0.0.1:1/chat')).rejects.toBeInstanceOf(TypeError);
  });
});
