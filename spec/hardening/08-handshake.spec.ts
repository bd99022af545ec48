import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import { handshakeRequest, rawRequest } from '../helpers/raw-http';

/**
 * Defect 8: uWS 20.30 upgrades any GET with a 24-character Sec-WebSocket-Key, even without
 * `Upgrade: websocket`; a malformed key fell through to a misleading 426; and headers of any size
 * uWS accepts (about 100 KB) were kept for the connection's life.
 */
describe('hardening 8: the opening handshake is checked', () => {
  const logger = captureLogger();
  let server: StartedApp;
  let port: number;
  const ask = (headers: Readonly<Record<string, string | null>>, path = '/ws'): ReturnType<typeof rawRequest> =>
    rawRequest(port, handshakeRequest(path, port, headers));

  beforeAll(async () => {
    server = await startApp({ logger }, (app) =>
      app.websocket('/ws', async (ws) => {
        await ws.accept();
        await ws.waitForClose();
      }),
    );
    port = server.port;
  });
  afterAll(() => server.app.close());

  it('a valid handshake, as browsers send it, is upgraded', async () => {
    expect((await ask({})).status).toBe(101);
    expect((await ask({ Connection: 'keep-alive, Upgrade', Upgrade: 'WebSocket' })).status).toBe(101);
  });

  it('a request without "Upgrade: websocket" gets 400, not an upgrade', async () => {
    const missing = await ask({ Upgrade: null });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatch(/bad WebSocket handshake: .*Upgrade: websocket/);
    expect((await ask({ Upgrade: 'h2c' })).status).toBe(400);
  });

  it('a request whose Connection header lacks "Upgrade" gets 400', async () => {
    expect((await ask({ Connection: 'keep-alive' })).status).toBe(400);
  });

  it('a missing or malformed Sec-WebSocket-Key gets 400, not 426', async () => {
    const malformed = await ask({ 'Sec-WebSocket-Key': 'abc' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatch(/Sec-WebSocket-Key/);
    expect((await ask({ 'Sec-WebSocket-Key': null })).status).toBe(400);
    // 24 characters, the only thing uWS checks, but not base64 of 16 bytes.
    expect((await ask({ 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!!!' })).status).toBe(400);
  });

  it('an unsupported version still gets 426 naming version 13, and a plain GET 426', async () => {
    const version8 = await ask({ 'Sec-WebSocket-Version': '8' });
    expect(version8.status).toBe(426);
    expect(version8.headers['sec-websocket-version']).toBe('13');
    const plain = await rawRequest(port, `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(plain.status).toBe(426);
    expect(plain.headers.upgrade).toBe('websocket');
  });

  it('headers over maxHeaderBytes (16 KiB by default) get 431; just under it, an upgrade', async () => {
    const tooLarge = await ask({ Cookie: 'x'.repeat(16 * 1024) });
    expect(tooLarge.status).toBe(431);
    expect(tooLarge.body).toMatch(/maxHeaderBytes \(16384\)/);
    expect((await ask({ Cookie: 'x'.repeat(15 * 1024) })).status).toBe(101);
  });

  it('each refusal closes the HTTP connection, is logged with its reason and counted', async () => {
    const refused = await ask({ Upgrade: null });
    expect(refused.headers.connection).toBe('close');
    expect(logger.entries.some((e) => e.level === 'warn' && /upgrade refused with HTTP 400: bad WebSocket handshake/.test(e.message))).toBe(true);
    const { refusals } = await server.app.stats();
    expect(refusals['400']).toBeGreaterThanOrEqual(6);
    expect(refusals['431']).toBe(1);
  });

  it('maxHeaderBytes is an option', async () => {
    const small = await startApp({ maxHeaderBytes: 1024 }, (app) => app.websocket('/ws', (ws) => ws.accept()));
    try {
      expect((await rawRequest(small.port, handshakeRequest('/ws', small.port, { 'X-Pad': 'x'.repeat(1024) }))).status).toBe(431);
      expect((await rawRequest(small.port, handshakeRequest('/ws', small.port, { 'X-Pad': 'x'.repeat(512) }))).status).toBe(101);
    } finally {
      await small.app.close();
    }
  });
});
