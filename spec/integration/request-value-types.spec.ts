import { Header, OnConnect, OnMessage, Param, ProAPI, Query, silentLogger, WebSocket, type WebSocketConnection } from '../../index';
import { createTestClient, UpgradeRefusedError, type TestClient } from '../../testing';

@WebSocket('/items/:id')
class ItemsGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection): Promise<void> {
    await ws.accept();
  }

  @OnMessage('next', null)
  next(@Param('id') id: number, @Query('limit') limit: number, @Query('verbose') verbose?: boolean, @Query('page') page?: number) {
    return { id: id + 1, limit: limit + 1, verbose, page: page ?? null, idType: typeof id };
  }
}

@WebSocket('/loop/:n')
class LoopGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection, @Param('n') n: number, @Header('x-retry') retry?: boolean): Promise<void> {
    await ws.accept();
    await ws.sendJson({ next: n + 1, retry: retry ?? null });
    await ws.waitForClose();
  }
}

describe('@Param, @Query and @Header declared number or boolean arrive converted', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await createTestClient(new ProAPI({ logger: silentLogger, gateways: [ItemsGateway, LoopGateway] }));
  });
  afterAll(() => client.close());

  it('gives an @OnMessage handler numbers and booleans: "5" + 1 is 6, not "51"', async () => {
    const conn = await client.connect('/items/41?limit=5&verbose=true');
    conn.sendJson({ type: 'next', id: 'r1' });
    expect(await conn.receiveJson()).toEqual({
      type: 'next',
      id: 'r1',
      data: { id: 42, limit: 6, verbose: true, page: null, idType: 'number' },
    });
  });

  it('answers a value that is not a number with a validation error naming the parameter; the connection stays', async () => {
    const conn = await client.connect('/items/41?limit=five&verbose=0');
    conn.sendJson({ type: 'next', id: 1 });
    expect(await conn.receiveJson()).toEqual({
      type: 'error',
      error: 'validation',
      id: 1,
      message: 'invalid query parameter "limit": query parameter "limit" must be a number, got "five"',
      details: [{ property: 'limit', constraints: { isNumber: 'query parameter "limit" must be a number, got "five"' } }],
    });
    conn.sendJson({ type: 'next', id: 2 });
    expect(await conn.receiveJson()).toMatchObject({ type: 'error', error: 'validation', id: 2 });
  });

  it('refuses a boolean that is not true, false, 1 or 0, and a number that only looks like one', async () => {
    const conn = await client.connect('/items/41?limit=1&verbose=yes');
    conn.sendJson({ type: 'next' });
    expect(await conn.receiveJson()).toMatchObject({
      error: 'validation',
      message: 'invalid query parameter "verbose": query parameter "verbose" must be true, false, 1 or 0, got "yes"',
    });
    const hex = await client.connect('/items/41?limit=0x10');
    hex.sendJson({ type: 'next' });
    expect(await hex.receiveJson()).toMatchObject({ error: 'validation', details: [{ property: 'limit' }] });
  });

  it('gives an @OnConnect handler a number path parameter and a boolean header', async () => {
    const conn = await client.connect('/loop/9', { headers: { 'x-retry': '1' } });
    expect(await conn.receiveJson()).toEqual({ next: 10, retry: true });
  });

  it('refuses the upgrade when an @OnConnect parameter cannot be converted', async () => {
    await expect(client.connect('/loop/nine')).rejects.toBeInstanceOf(UpgradeRefusedError);
  });
});
