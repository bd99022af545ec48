import type { WebSocketConnection } from '../../index';
import { AuthMiddleware } from '../../middleware';
import { UpgradeRefusedError, type TestClient } from '../../testing';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';

type User = { username: string };

describe('AuthMiddleware over a real server', () => {
  const logs = captureLogger();
  let handlerRuns = 0;
  let server: StartedApp;

  async function welcome(ws: WebSocketConnection<{ user?: User }>): Promise<void> {
    handlerRuns++;
    await ws.accept();
    await ws.sendJson({ message: `Welcome, ${ws.userData.user?.username}!`, subprotocol: ws.subprotocol });
  }

  beforeAll(async () => {
    server = await startApp({ logger: logs }, (app) => {
      // The spec's authenticate(websocket): reads the query itself.
      const specAuth = new AuthMiddleware<User>((ws) => (ws.queryParams.get('token') === 'secret' ? { username: 'admin' } : null));
      app.websocket('/secure', welcome, { middlewares: [specAuth] });
      const tokenAuth = new AuthMiddleware<User>(async (_ws, token) => (token === 'secret' ? { username: 'admin' } : undefined));
      app.websocket('/token', welcome, { middlewares: [tokenAuth] });
      const headerOnly = new AuthMiddleware<User>((_ws, token) => (token ? { username: token } : null), {
        tokenSources: ['header'],
        status: 403,
      });
      app.websocket('/header-only', welcome, { middlewares: [headerOnly] });
      const broken = new AuthMiddleware(() => {
        throw new Error('user database is down');
      });
      app.websocket('/broken', welcome, { middlewares: [broken] });
      // `token === 'secret' && user` returns false, '' or 0 for everyone else: each must refuse.
      const falsy = new AuthMiddleware<User>((ws) => {
        const kind = ws.queryParams.get('kind');
        if (kind === 'false') return false;
        if (kind === 'empty') return '';
        if (kind === 'zero') return 0;
        return { username: 'admin' };
      });
      app.websocket('/falsy', welcome, { middlewares: [falsy] });
    });
  });
  afterAll(() => server.app.close());
  beforeEach(() => (handlerRuns = 0));

  it("runs the spec's example: ?token=secret puts the user in userData.user before the handler", async () => {
    const client = await server.client.connect('/secure?token=secret');
    expect(await client.receiveJson()).toEqual({ message: 'Welcome, admin!', subprotocol: '' });
    expect(handlerRuns).toBe(1);
  });

  it('answers HTTP 401 before any upgrade when authenticate returns nothing; the handler never runs', async () => {
    await expect(server.client.connect('/secure?token=wrong')).rejects.toMatchObject({ status: 401, body: 'authentication required' });
    expect(await server.client.upgradeStatus('/token')).toBe(401);
    expect(handlerRuns).toBe(0);
  });

  it('refuses with 401 when authenticate returns any falsy value, not only null/undefined', async () => {
    for (const kind of ['false', 'empty', 'zero']) {
      await expect(server.client.connect(`/falsy?kind=${kind}`)).rejects.toMatchObject({ status: 401, body: 'authentication required' });
    }
    expect(handlerRuns).toBe(0);
    const client = await server.client.connect('/falsy?kind=user');
    expect(await client.receiveJson()).toEqual({ message: 'Welcome, admin!', subprotocol: '' });
  });

  it('sends WWW-Authenticate: Bearer with a 401, and not with another status', async () => {
    expect(await refusal(server.client, '/token')).toEqual({ status: 401, challenge: 'Bearer' });
    expect(await refusal(server.client, '/header-only')).toEqual({ status: 403, challenge: undefined });
  });

  it('rejects a status that is not an HTTP error status when constructed', () => {
    for (const status of [200, 302, 600, 401.5, Number.NaN]) {
      expect(() => new AuthMiddleware(() => null, { status })).toThrow(/status must be an HTTP error status \(400-599\)/);
    }
  });

  it('reads the token from Authorization: Bearer', async () => {
    const client = await server.client.connect('/token', { headers: { Authorization: 'Bearer secret' } });
    expect(await client.receiveJson()).toEqual({ message: 'Welcome, admin!', subprotocol: '' });
    expect(await server.client.upgradeStatus('/token', { headers: { Authorization: 'Bearer nope' } })).toBe(401);
    // The header wins over the subprotocols, and the offered 'bearer' is still answered.
    const both = await server.client.connect('/token', {
      headers: { Authorization: 'Bearer secret' },
      protocols: ['bearer', 'not-checked'],
    });
    expect(both.protocol).toBe('bearer');
  });

  it('reads the token from the token query parameter', async () => {
    const client = await server.client.connect('/token?token=secret');
    expect(await client.receiveJson()).toEqual({ message: 'Welcome, admin!', subprotocol: '' });
  });

  it("reads the token from Sec-WebSocket-Protocol ['bearer', token] and answers 'bearer'", async () => {
    const client = await server.client.connect('/token', { protocols: ['bearer', 'secret'] });
    expect(client.protocol).toBe('bearer');
    expect(await client.receiveJson()).toEqual({ message: 'Welcome, admin!', subprotocol: 'bearer' });
    await expect(server.client.connect('/token', { protocols: ['bearer', 'wrong'] })).rejects.toMatchObject({ status: 401, body: 'authentication required' });
  });

  it('honours tokenSources and status options', async () => {
    expect(await server.client.upgradeStatus('/header-only?token=carol')).toBe(403);
    const client = await server.client.connect('/header-only', { headers: { Authorization: 'bearer carol' } });
    expect(await client.receiveJson()).toEqual({ message: 'Welcome, carol!', subprotocol: '' });
  });

  it('answers HTTP 500 and logs when authenticate throws', async () => {
    await expect(server.client.connect('/broken')).rejects.toMatchObject({ status: 500, body: 'authentication failed' });
    const line = await logs.waitFor((e) => e.message.startsWith('authenticate() threw'), 'the error log line');
    expect(line.level).toBe('error');
    expect((line.fields.err as Error).message).toBe('user database is down');
    expect(handlerRuns).toBe(0);
  });
});

/** The status and WWW-Authenticate header of a refused upgrade. */
async function refusal(client: TestClient, path: string): Promise<{ status: number; challenge: string | string[] | undefined }> {
  const error = await client.connect(path).then(
    () => new Error(`${path} was accepted`),
    (refused: unknown) => refused,
  );
  if (!(error instanceof UpgradeRefusedError)) throw error;
  return { status: error.status, challenge: error.headers['www-authenticate'] };
}
