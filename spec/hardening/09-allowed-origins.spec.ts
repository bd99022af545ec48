import { OnConnect, ProAPI, WebSocket, silentLogger, type WebSocketConnection } from '../../index';
import { startApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';

/**
 * Defect 9: browsers send cookies with a WebSocket handshake whatever page opens it, so any site
 * could talk to the app as its logged-in user (cross-site WebSocket hijacking). The Origin a
 * browser sends is now checked: by default only pages of the same host.
 */
describe('hardening 9: allowedOrigins', () => {
  const hold = async (ws: WebSocketConnection): Promise<void> => {
    await ws.accept();
    await ws.waitForClose();
  };

  it('by default, a page of another site gets 403; the same host and clients without Origin get in', async () => {
    const logger = captureLogger();
    const refused: [string | null, number][] = [];
    const { app, client, port } = await startApp({ logger, instrumentation: { upgradeRefused: (route, status) => refused.push([route, status]) } }, (a) =>
      a.websocket('/ws', hold),
    );
    try {
      const error = await client.connect('/ws', { headers: { origin: 'https://evil.example' } }).catch((e: { status: number; body: string }) => e);
      expect(error).toMatchObject({ status: 403 });
      expect((error as { body: string }).body).toMatch(/origin "https:\/\/evil.example" is not allowed/);
      expect(await client.upgradeStatus('/ws', { headers: { origin: `http://127.0.0.1:${port}` } })).toBe(101);
      expect(await client.upgradeStatus('/ws')).toBe(101);
      // `Origin: null` (sandboxed frames, file: pages) is not this host either.
      expect(await client.upgradeStatus('/ws', { headers: { origin: 'null' } })).toBe(403);
      // The same host on another port is another origin.
      expect(await client.upgradeStatus('/ws', { headers: { origin: `http://127.0.0.1:${port + 1}` } })).toBe(403);

      expect((await app.stats()).refusals).toEqual({ '403': 3 });
      expect(refused).toEqual([['/ws', 403], ['/ws', 403], ['/ws', 403]]);
      expect(logger.entries.filter((e) => e.level === 'warn' && /upgrade refused with HTTP 403/.test(e.message))).toHaveLength(3);
    } finally {
      await app.close();
    }
  });

  it('an app lists exact origins, subdomain patterns and anchored RegExps', async () => {
    const allowedOrigins = ['https://app.example.com', 'https://*.partner.example', /^http:\/\/localhost:\d+$/];
    const { app, client } = await startApp({ allowedOrigins }, (a) => a.websocket('/ws', hold));
    try {
      const status = (origin: string): Promise<number> => client.upgradeStatus('/ws', { headers: { origin } });
      expect(await status('https://app.example.com')).toBe(101);
      expect(await status('https://APP.example.com:443')).toBe(101);
      expect(await status('http://app.example.com')).toBe(403);
      expect(await status('https://a.partner.example')).toBe(101);
      expect(await status('https://a.b.partner.example')).toBe(101);
      expect(await status('https://partner.example')).toBe(403);
      expect(await status('https://evilpartner.example')).toBe(403);
      expect(await status('http://localhost:3000')).toBe(101);
      expect(await status('http://localhost:3000.evil.example')).toBe(403);
      // Listing origins replaces 'same-origin'.
      expect(await status(`http://127.0.0.1:${client.port}`)).toBe(403);
    } finally {
      await app.close();
    }
  });

  it('a route sets its own, with @WebSocket(path, { allowedOrigins }) or app.websocket(path, h, { allowedOrigins })', async () => {
    @WebSocket('/embed', { allowedOrigins: ['https://partner.example'] })
    class EmbedGateway {
      @OnConnect()
      connect(ws: WebSocketConnection): Promise<void> {
        return hold(ws);
      }
    }
    const { app, client } = await startApp({ gateways: [EmbedGateway] }, (a) => {
      a.websocket('/public', hold, { allowedOrigins: ['*'] });
      a.websocket('/default', hold);
    });
    try {
      const status = (path: string, origin: string): Promise<number> => client.upgradeStatus(path, { headers: { origin } });
      expect(await status('/embed', 'https://partner.example')).toBe(101);
      expect(await status('/embed', 'https://other.example')).toBe(403);
      expect(await status('/public', 'https://anyone.example')).toBe(101);
      expect(await status('/default', 'https://partner.example')).toBe(403);
    } finally {
      await app.close();
    }
  });

  it('a mistake in allowedOrigins fails at boot, naming where', () => {
    const build = (allowedOrigins: unknown): ProAPI => new ProAPI({ logger: silentLogger, allowedOrigins: allowedOrigins as [] });
    expect(() => build([/example\.com/])).toThrow(/must be anchored/);
    expect(() => build(['example.com'])).toThrow(/is not an origin/);
    expect(() => build(['https://example.com/path'])).toThrow(/is not an origin/);
    expect(() => build('https://example.com')).toThrow(/must be an array/);
    expect(() => new ProAPI({ logger: silentLogger }).websocket('/x', hold, { allowedOrigins: ['https://*.'] })).toThrow(
      /app.websocket\('\/x'\): allowedOrigins pattern/,
    );
  });
});
