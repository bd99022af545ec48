import { startApp } from '../helpers/app';
import { deferred } from '../helpers/async';
import { captureLogger } from '../helpers/capture-logger';

describe('app.close() and running handlers', () => {
  it('resolves only after every handler has finished its cleanup', async () => {
    const cleanedUp: string[] = [];
    const started = deferred();
    const { app, client } = await startApp({}, (a) =>
      a.websocket('/work', async (ws) => {
        await ws.accept();
        started.resolve();
        try {
          for await (const message of ws) await ws.sendText(message as string);
        } finally {
          // Cleanup that itself waits: close() must wait for it too.
          await new Promise((resolve) => setImmediate(resolve));
          cleanedUp.push(ws.path);
        }
      }),
    );
    const conns = await Promise.all([client.connect('/work'), client.connect('/work')]);
    await started.promise;
    await app.close();
    expect(cleanedUp).toEqual(['/work', '/work']);
    for (const conn of conns) expect((await conn.expectClose()).code).toBe(1001);
  });

  it('gives up after shutdownTimeoutMs on a handler that never ends, and says so', async () => {
    const logger = captureLogger();
    const reached = deferred();
    const { app, client } = await startApp({ logger, shutdownTimeoutMs: 50 }, (a) =>
      a.websocket('/stuck', async (ws) => {
        await ws.accept();
        reached.resolve();
        await new Promise(() => undefined); // never settles
      }),
    );
    await client.connect('/stuck');
    await reached.promise;
    await app.close();
    const warning = logger.entries.find((e) => e.level === 'warn' && /did not finish/.test(e.message));
    expect(warning?.fields).toEqual({ handlers: 1, timeoutMs: 50 });
  });
});
