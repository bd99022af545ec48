import { startApp, type StartedApp } from '../helpers/app';
import { connect } from '../helpers/client';

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
    const client = await connect(server.url('/echo'));
    client.send('hello');
    expect(await client.next()).toEqual({ data: 'hello', isBinary: false });
    client.send(JSON.stringify({ a: [1, 2] }));
    expect(await client.nextJson()).toEqual({ a: [1, 2] });
    client.send(Buffer.from([0, 1, 2, 255]));
    const bytes = await client.next();
    expect(bytes.isBinary).toBe(true);
    expect([...(bytes.data as Buffer)]).toEqual([0, 1, 2, 255]);
    client.close(1000);
    expect((await client.waitClose()).code).toBe(1000);
  });
});
