import WebSocket from 'ws';
import { ProAPI, silentLogger, type CloseInfo } from '../../index';
import {
  ConnectionClosedError,
  createTestClient,
  TestTimeoutError,
  UnexpectedCloseError,
  UnexpectedMessageError,
  UpgradeRefusedError,
  type TestClient,
} from '../../testing';
import { deferred, withTimeout } from '../helpers/async';

/** An app whose routes exercise each part of the client; `serverClose` reports how sockets closed. */
function buildApp(serverClose: (info: CloseInfo) => void = () => undefined): ProAPI {
  const app = new ProAPI({ logger: silentLogger });
  app.websocket('/echo', async (ws) => {
    await ws.accept();
    void ws.waitForClose().then(serverClose);
    for await (const message of ws) {
      if (typeof message === 'string') await ws.sendText(message);
      else await ws.sendBytes(message);
    }
  });
  app.websocket('/hello', async (ws) => {
    const offered = ws.requestedSubprotocols;
    await ws.accept(offered.length > 0 ? offered[offered.length - 1] : undefined);
    await ws.sendJson({ token: ws.headers.get('x-token') ?? null, query: ws.queryParams.get('name') });
    await ws.waitForClose();
  });
  app.websocket('/secure', async (ws) => {
    ws.deny(401, 'missing token: pass ?token=...');
  });
  app.websocket('/kick', async (ws) => {
    await ws.accept();
    await ws.sendText('first');
    await ws.sendText('second');
    await ws.close(4001, 'kicked');
  });
  app.websocket('/kinds', async (ws) => {
    await ws.accept();
    await ws.sendBytes(Buffer.from([0, 1, 2, 255]));
    await ws.sendText('not json');
    await ws.sendText('plain');
    await ws.waitForClose();
  });
  app.websocket('/stall', async (ws) => {
    await ws.waitForClose();
  });
  app.websocket('/silent', async (ws) => {
    await ws.accept();
    await ws.waitForClose();
  });
  return app;
}

describe('proapi/testing', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await createTestClient(buildApp());
  });
  afterAll(() => client.close());

  it('starts the app on an ephemeral port and exchanges text, JSON and bytes', async () => {
    expect(client.ownsApp).toBe(true);
    expect(client.port).toBeGreaterThan(0);
    const conn = await client.connect('/echo');
    conn.sendText('hello');
    expect(await conn.receiveText()).toBe('hello');
    conn.sendJson({ list: [1, 2] });
    expect(await conn.receiveJson<{ list: number[] }>()).toEqual({ list: [1, 2] });
    conn.sendBytes(new Uint8Array([9, 8, 7]));
    expect([...(await conn.receiveBytes())]).toEqual([9, 8, 7]);
    conn.sendText('either');
    expect(await conn.receive()).toBe('either');
    expect(await conn.close()).toEqual({ code: 1000, reason: '' });
    expect(conn.closed).toBe(true);
  });

  it('sends headers, query and subprotocols with the upgrade', async () => {
    const conn = await client.connect('/hello?name=ann', { headers: { 'x-token': 'abc' }, protocols: ['v1', 'v2'] });
    expect(conn.protocol).toBe('v2');
    expect(await conn.receiveJson()).toEqual({ token: 'abc', query: 'ann' });
    await conn.close();
  });

  it('rejects a refused upgrade with its HTTP status and body', async () => {
    const refused = client.connect('/secure');
    await expect(refused).rejects.toBeInstanceOf(UpgradeRefusedError);
    await expect(refused).rejects.toMatchObject({
      status: 401,
      body: 'missing token: pass ?token=...',
      message: 'the server refused the WebSocket upgrade of /secure with HTTP 401: "missing token: pass ?token=..."',
    });
    await expect(client.connect('/nowhere')).rejects.toMatchObject({ status: 404 });
  });

  it('times out a receive with a message naming what it waited for, and keeps the connection usable', async () => {
    const conn = await client.connect('/echo');
    const late = conn.receiveText({ timeout: 50 });
    await expect(late).rejects.toBeInstanceOf(TestTimeoutError);
    await expect(late).rejects.toThrow('timed out after 50 ms waiting for a text message on /echo');
    conn.sendText('still here');
    expect(await conn.receiveText()).toBe('still here');
    await conn.close();
  });

  it('times out a connect whose upgrade the server never answers', async () => {
    await expect(client.connect('/stall', { timeout: 50 })).rejects.toThrow(
      new TestTimeoutError('the WebSocket upgrade of /stall', 50).message,
    );
  });

  it('times out expectClose when the server keeps the connection open', async () => {
    const conn = await client.connect('/silent');
    await expect(conn.expectClose(1000, { timeout: 50 })).rejects.toThrow(
      'timed out after 50 ms waiting for the server to close /silent',
    );
    expect(conn.closed).toBe(false);
    await conn.close();
  });

  it('reports the close code and reason, and keeps messages that arrived before the close', async () => {
    const conn = await client.connect('/kick');
    expect(await conn.expectClose(4001)).toEqual({ code: 4001, reason: 'kicked' });
    expect(conn.closeCode).toBe(4001);
    expect(conn.closeReason).toBe('kicked');
    expect(await conn.receiveText()).toBe('first');
    expect(await conn.receiveText()).toBe('second');
    const third = conn.receiveText();
    await expect(third).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(third).rejects.toThrow(
      'the connection to /kick closed with code 4001 ("kicked") while waiting for a text message',
    );
    expect(() => conn.sendText('too late')).toThrow(ConnectionClosedError);
  });

  it('rejects expectClose(code) when the connection closes with another code', async () => {
    const conn = await client.connect('/kick');
    const expectation = conn.expectClose(1000);
    await expect(expectation).rejects.toBeInstanceOf(UnexpectedCloseError);
    await expect(expectation).rejects.toThrow('expected the connection to /kick to close with 1000, but it closed with code 4001');
  });

  it('rejects a pending receive when the connection closes', async () => {
    const conn = await client.connect('/silent');
    const pending = conn.receiveJson();
    await conn.close(4000, 'done');
    await expect(pending).rejects.toThrow('closed with code 4000 ("done") while waiting for a JSON message');
  });

  it('says which kind of message arrived when it is not the one asked for', async () => {
    const conn = await client.connect('/kinds');
    await expect(conn.receiveText()).rejects.toThrow(
      new UnexpectedMessageError('a text message on /kinds', Buffer.from([0, 1, 2, 255])).message,
    );
    await expect(conn.receiveJson()).rejects.toThrow(/expected a JSON message on \/kinds but received a text message: "not json" \(not valid JSON/);
    await expect(conn.receiveBytes()).rejects.toThrow('expected a binary message on /kinds but received a text message: "plain"');
    await conn.close();
  });
});

describe('createTestClient with an app that is already listening', () => {
  it('uses the running app and leaves it running on close()', async () => {
    const serverCloses: CloseInfo[] = [];
    const app = buildApp((info) => serverCloses.push(info));
    const port = await app.listen(0, '127.0.0.1');
    try {
      const client = await createTestClient(app);
      expect(client.ownsApp).toBe(false);
      expect(client.port).toBe(port);
      await client.connect('/echo');
      await client.close();
      expect(serverCloses).toEqual([{ code: 1000, reason: '' }]);
      await expect(client.connect('/echo')).rejects.toThrow('connect() was called after client.close()');

      const again = await createTestClient(app);
      const conn = await again.connect('/echo');
      conn.sendText('app still up');
      expect(await conn.receiveText()).toBe('app still up');
      await again.close();
    } finally {
      await app.close();
    }
  });

  it('stops an app it started when it closes, and refuses to reuse it', async () => {
    const app = buildApp();
    expect(app.listening).toBe(false);
    const client = await createTestClient(app);
    expect(app.listening).toBe(true);
    const { port } = client;
    await client.close();
    expect(app.listening).toBe(false);
    await expect(createTestClient(app)).rejects.toThrow(
      'this app was closed, e.g. by an earlier test client\'s close(), and an app listens only once; build a new app per test (createApp())',
    );
    const failed = deferred<Error>();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    socket.once('error', failed.resolve);
    expect((await failed.promise).message).toMatch(/ECONNREFUSED/);
  });
});

describe('TestClient.close() while a connect() is still upgrading', () => {
  it('abandons the connect and destroys its socket', async () => {
    const upgrading = deferred();
    const serverSaw = deferred<CloseInfo>();
    const app = new ProAPI({ logger: silentLogger });
    app.websocket('/stall', async (ws) => {
      upgrading.resolve();
      serverSaw.resolve(await ws.waitForClose());
    });
    await app.listen(0, '127.0.0.1');
    try {
      const client = await createTestClient(app);
      const connecting = client.connect('/stall', { timeout: 60_000 });
      await withTimeout(upgrading.promise, 3000, 'the upgrade request to reach the server');
      await client.close();
      await expect(connecting).rejects.toThrow('client.close() was called while connecting to /stall, so the connection was abandoned');
      // The app is not the client's, so only the client dropping its socket can end the upgrade this soon.
      expect(await withTimeout(serverSaw.promise, 3000, 'the server to see the abandoned socket go')).toMatchObject({ code: 1006 });
    } finally {
      await app.close();
    }
  });
});
