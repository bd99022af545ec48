import { CloseCode, type MiddlewareFunction } from '../../index';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import { deferred, withTimeout } from '../helpers/async';

/** One turn of the event loop: Node reports unhandled rejections once the microtasks have run. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('middleware misusing next() never leaves a rejection unhandled', () => {
  const logs = captureLogger();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  const passThrough: MiddlewareFunction = (_ws, next) => next();
  const gate = deferred();
  const unwound = { current: deferred() };
  let server: StartedApp;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startApp({ logger: logs }, (app) => {
      app.websocket(
        '/handler-throws',
        async (ws) => {
          await ws.accept();
          await ws.receiveText();
          throw new Error('handler failed');
        },
        {
          middlewares: [
            function doesNotAwait(ws, next) {
              void next(); // the promise of the rest of the chain, dropped
              void ws.waitForClose().then(() => unwound.current.resolve());
            },
            passThrough,
          ],
        },
      );
      app.websocket('/late', () => undefined, {
        middlewares: [
          function lateNext(_ws, next) {
            // Returns at once (so the chain answers 403), and calls next() later in a chain nobody handles.
            void gate.promise.then(() => next());
          },
        ],
      });
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server.app.close();
  });

  it('when a middleware calls next() without awaiting it and the handler throws', async () => {
    const client = await server.client.connect('/handler-throws');
    client.sendText('go');
    expect((await client.expectClose()).code).toBe(CloseCode.INTERNAL_ERROR);
    await withTimeout(unwound.current.promise, 5000, 'the middleware to see the close');
    await nextTurn();
    expect(unhandled).toEqual([]);
    const errors = logs.entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => (e.fields.err as Error).message)).toEqual(['handler failed']);
  });

  it('when a middleware calls next() after it returned and the connection got 403', async () => {
    expect(await server.client.upgradeStatus('/late')).toBe(403);
    gate.resolve();
    const warning = await logs.waitFor((e) => e.message.includes('called next() after it had returned'), 'the late next() warning');
    await nextTurn();
    expect(unhandled).toEqual([]);
    expect(warning.level).toBe('warn');
    expect(warning.fields).toMatchObject({ middleware: 'lateNext', path: '/late' });
  });
});
