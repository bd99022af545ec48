import { HttpError, ProAPI, silentLogger, type InboundMessage, type WebSocketConnection } from '../../index';
import { WebSocketMiddleware, type MessageNext, type MiddlewareNext } from '../../middleware';
import { createTestClient, type TestClient } from '../../testing';
import { withTimeout } from '../helpers/async';

/*
 * Middleware a user could write, using exported API only: what the built-in Auth, RateLimit and
 * Logging middleware do is open to anyone.
 */

/** Counts what passes through its routes: what a metrics exporter would need. */
class MetricsMiddleware extends WebSocketMiddleware {
  readonly totals = { connections: 0, open: 0, messagesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0, broadcasts: 0, closeCodes: [] as number[] };
  private endedWaiter: { count: number; resolve(): void } | null = null;

  /** Resolves once `count` connections have ended on the server. */
  ended(count: number): Promise<void> {
    if (this.totals.closeCodes.length >= count) return Promise.resolve();
    return new Promise((resolve) => (this.endedWaiter = { count, resolve }));
  }

  async handle(ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
    this.totals.connections++;
    this.totals.open++;
    try {
      return await next();
    } finally {
      this.totals.open--;
      this.totals.closeCodes.push(ws.closeCode ?? -1);
      if (this.endedWaiter !== null && this.totals.closeCodes.length >= this.endedWaiter.count) this.endedWaiter.resolve();
    }
  }

  override onMessage(_ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
    this.totals.messagesIn++;
    this.totals.bytesIn += Buffer.byteLength(message);
    next(message);
  }

  override onSend(_ws: WebSocketConnection, data: string | Uint8Array | ArrayBuffer, _isBinary: boolean, room: string | undefined): void {
    if (room === undefined) this.totals.framesOut++;
    else this.totals.broadcasts++;
    this.totals.bytesOut += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }
}

/** Browsers cannot set headers: the token rides in `Sec-WebSocket-Protocol` after `bearer`. */
class SubprotocolAuth extends WebSocketMiddleware<{ user?: string }> {
  async handle(ws: WebSocketConnection<{ user?: string }>, next: MiddlewareNext): Promise<unknown> {
    const offered = ws.requestedSubprotocols;
    const at = offered.indexOf('bearer');
    const token = at >= 0 ? offered[at + 1] : undefined;
    if (token === undefined) throw new HttpError(401, 'offer the subprotocols bearer, <token>', { 'WWW-Authenticate': 'Bearer' });
    if (token === 'too-many') throw new HttpError(429, 'slow down', { 'Retry-After': '30' });
    if (token !== 'secret-token') {
      ws.deny(403, 'bad token');
      return undefined;
    }
    ws.userData.user = 'ann';
    ws.defaultSubprotocol = 'bearer'; // the client's handshake needs one of its offers answered; never the token
    return next();
  }
}

describe('middleware written with the exported API only', () => {
  const metrics = new MetricsMiddleware();
  let client: TestClient;

  beforeAll(async () => {
    const app = new ProAPI({ logger: silentLogger });
    app.websocket(
      '/echo',
      async (ws) => {
        await ws.accept();
        await ws.joinRoom('echoes');
        for await (const message of ws) {
          await ws.sendText(`echo ${String(message)}`);
          await ws.broadcastToAll('echoes', String(message));
        }
      },
      { middlewares: [metrics] },
    );
    app.websocket(
      '/secure',
      async (ws: WebSocketConnection<{ user?: string }>) => {
        await ws.accept();
        await ws.sendJson({ user: ws.userData.user, subprotocol: ws.subprotocol });
      },
      { middlewares: [new SubprotocolAuth()] },
    );
    client = await createTestClient(app, { timeout: 5000 });
  });
  afterAll(() => client.close());

  it('a metrics middleware sees every connection, message in, frame out and broadcast, exactly', async () => {
    const conn = await client.connect('/echo');
    for (const text of ['a', 'bb', 'ccc']) {
      conn.sendText(text);
      expect(await conn.receiveText()).toBe(`echo ${text}`);
      expect(await conn.receiveText()).toBe(text);
    }
    await conn.close();
    await client.connect('/echo').then((second) => second.close(4000, 'bye'));
    await withTimeout(metrics.ended(2), 5000, 'both connections to end on the server');
    expect(metrics.totals).toEqual({
      connections: 2,
      open: 0,
      messagesIn: 3,
      bytesIn: 6,
      framesOut: 3,
      bytesOut: 'echo a'.length + 'echo bb'.length + 'echo ccc'.length + 6,
      broadcasts: 3,
      closeCodes: [1000, 4000],
    });
  });

  it('an auth-by-subprotocol middleware accepts with `bearer`, never echoing the token', async () => {
    const conn = await client.connect('/secure', { protocols: ['bearer', 'secret-token'] });
    expect(conn.protocol).toBe('bearer');
    expect(await conn.receiveJson()).toEqual({ user: 'ann', subprotocol: 'bearer' });
  });

  it('refuses with the status it throws, or the one it denies with', async () => {
    await expect(client.connect('/secure')).rejects.toMatchObject({ status: 401, body: 'offer the subprotocols bearer, <token>', headers: expect.objectContaining({ 'www-authenticate': 'Bearer' }) as unknown });
    await expect(client.connect('/secure', { protocols: ['bearer', 'too-many'] })).rejects.toMatchObject({ status: 429, headers: expect.objectContaining({ 'retry-after': '30' }) as unknown });
    await expect(client.connect('/secure', { protocols: ['bearer', 'wrong'] })).rejects.toMatchObject({ status: 403, body: 'bad token' });
  });
});
