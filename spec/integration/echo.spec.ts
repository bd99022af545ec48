import { startApp, type StartedApp } from '../helpers/app';

describe('echo over a real uWS server', () => {
  let server: StartedApp;
  beforeAll(async () => {
    server = await startApp({}, (app) =>
      app.websocket('/echo', async (ws) => {
        await ws.accept();
        for await (const message of ws) {
          if (typeof message === 'string') await ws.sendText(message);
          else await ws.sendBytes(message);
        }
      }),
    );
  });
  afterAll(() => server.app.close());

  it('echoes text, JSON and bytes with their frame kind', async () => {
    const client = await server.client.connect('/echo');
    client.sendText('hello');
    expect(await client.receive()).toBe('hello'); // a string: a text frame
    client.sendJson({ a: [1, 2] });
    expect(await client.receiveJson()).toEqual({ a: [1, 2] });
    client.sendBytes(Buffer.from([0, 1, 2, 255]));
    const bytes = await client.receive();
    expect(Buffer.isBuffer(bytes)).toBe(true); // a binary frame
    expect([...(bytes as Buffer)]).toEqual([0, 1, 2, 255]);
    expect((await client.close(1000)).code).toBe(1000);
  });
});
