import { Header, OnConnect, Param, Query, WebSocket, type WebSocketConnection } from '../../index';
import { startApp, type StartedApp } from '../helpers/app';

interface Seen {
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  clientHost: string;
  clientPort: number | null;
  serverHost: string;
  serverPort: number;
  params: Record<string, string>;
  injected: unknown[];
  offered: readonly string[];
  subprotocol: string;
}

@WebSocket('/rooms/:room/users/:user')
class InspectGateway {
  @OnConnect()
  async connect(
    ws: WebSocketConnection<{ visits: number }>,
    @Param('room') room: string,
    @Query('username') username: string | undefined,
    @Header('X-Custom') custom: string | undefined,
  ): Promise<void> {
    const wanted = ws.requestedSubprotocols.includes('chat.v2') ? 'chat.v2' : undefined;
    await ws.accept(wanted);
    ws.userData.visits = (ws.userData.visits ?? 0) + 1;
    const query: Record<string, string[]> = {};
    for (const key of ws.queryParams.keys()) query[key] = ws.queryParams.getAll(key);
    const seen: Seen = {
      path: ws.path,
      query,
      headers: Object.fromEntries(ws.headers),
      clientHost: ws.clientHost,
      clientPort: ws.clientPort,
      serverHost: ws.serverHost,
      serverPort: ws.serverPort,
      params: { ...ws.params },
      injected: [room, username, custom, ws.userData.visits],
      offered: ws.requestedSubprotocols,
      subprotocol: ws.subprotocol,
    };
    await ws.sendJson(seen);
    await ws.receiveText();
  }
}

describe('connection properties match what the client sent', () => {
  let server: StartedApp;
  beforeAll(async () => {
    // The spec sends an Origin of its own: a browser page on another host, allowed here.
    server = await startApp({ gateways: [InspectGateway], allowedOrigins: ['same-origin', 'http://example.test'] }, (app) =>
    {
      app.websocket('/files/*', async (ws) => {
        await ws.accept();
        await ws.sendText(ws.params['*']);
      });
      app.websocket('/users/:id/*', async (ws) => {
        await ws.accept();
        await ws.sendJson(ws.params);
      });
      app.websocket('/strict', async (ws) => {
        const error = await ws.accept('not-offered').catch((e: Error) => e.message);
        await ws.accept('a');
        await ws.sendText(String(error));
      });
    });
  });
  afterAll(() => server.app.close());

  it('path, query, headers, params, hosts, ports and injected parameters', async () => {
    const client = await server.client.connect('/rooms/lobby%20one/users/ann?username=ann&tag=a&tag=b', {
      headers: { 'X-Custom': 'yes', Origin: 'http://example.test', 'X-Tricky': '12:ab:3:cd', 'X-Empty': '' },
    });
    const seen = await client.receiveJson<Seen>();
    expect(seen.path).toBe('/rooms/lobby%20one/users/ann');
    expect(seen.query).toEqual({ username: ['ann'], tag: ['a', 'b'] });
    expect(seen.headers).toMatchObject({
      'x-custom': 'yes',
      origin: 'http://example.test',
      'x-tricky': '12:ab:3:cd',
      'x-empty': '',
      host: `127.0.0.1:${server.port}`,
      upgrade: 'websocket',
    });
    expect(seen.params).toEqual({ room: 'lobby one', user: 'ann' });
    expect(seen.injected).toEqual(['lobby one', 'ann', 'yes', 1]);
    expect(seen.clientHost).toBe('127.0.0.1');
    expect(seen.clientPort).toBeNull();
    expect(seen.serverHost).toBe('127.0.0.1');
    expect(seen.serverPort).toBe(server.port);
    expect(seen.subprotocol).toBe('');
    await client.close();
  });

  it('negotiates a subprotocol the client offered', async () => {
    const client = await server.client.connect('/rooms/a/users/b', { protocols: ['chat.v1', 'chat.v2'] });
    expect(client.protocol).toBe('chat.v2');
    const seen = await client.receiveJson<Seen>();
    expect(seen.offered).toEqual(['chat.v1', 'chat.v2']);
    expect(seen.subprotocol).toBe('chat.v2');
    await client.close();
  });

  it('refuses to accept with a subprotocol the client did not offer', async () => {
    const client = await server.client.connect('/strict', { protocols: ['a'] });
    expect(await client.receiveText()).toBe('subprotocol "not-offered" was not offered by the client (offered: a)');
  });

  it('gives the wildcard tail as params["*"]', async () => {
    const client = await server.client.connect('/files/docs/readme.md');
    expect(await client.receiveText()).toBe('docs/readme.md');
    await client.expectClose();
    const afterParam = await server.client.connect('/users/12345/docs/readme.md');
    expect(await afterParam.receiveJson()).toEqual({ id: '12345', '*': 'docs/readme.md' });
    await afterParam.expectClose();
  });
});
