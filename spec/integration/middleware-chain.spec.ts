import {
  CloseCode,
  Conn,
  MiddlewareError,
  OnConnect,
  UseMiddleware,
  WebSocket,
  WebSocketConnection,
  WebSocketDisconnect,
  WebSocketMiddleware,
  type InboundMessage,
  type MessageNext,
  type MiddlewareFunction,
  type MiddlewareNext,
} from '../../index';
import { startApp, type StartedApp } from '../helpers/app';
import { deferred, withTimeout } from '../helpers/async';

/** A middleware that records when it runs, and what the connection looked like after next(). */
function recorder(name: string, events: string[]): MiddlewareFunction {
  const middleware: MiddlewareFunction = async (ws, next) => {
    events.push(`${name}:before`);
    try {
      const result = await next();
      events.push(`${name}:after result=${String(result)} closed=${ws.closed} code=${ws.closeCode}`);
      return result;
    } catch (error) {
      events.push(`${name}:after error=${(error as Error).message} closed=${ws.closed} code=${ws.closeCode}`);
      throw error;
    }
  };
  Object.defineProperty(middleware, 'name', { value: name });
  return middleware;
}

class Upper extends WebSocketMiddleware {
  handle(_ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
    return next();
  }
  override onMessage(ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
    if (message === 'drop') return;
    if (message === 'bye') void ws.close(4000, 'bye from middleware');
    else next(typeof message === 'string' ? message.toUpperCase() : message);
  }
}

class Exclaim extends WebSocketMiddleware {
  static instances = 0;
  constructor() {
    super();
    Exclaim.instances++;
  }
  handle(_ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
    return next();
  }
  override onMessage(_ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
    next(`${String(message)}!`);
  }
}

describe('middleware chain over a real server', () => {
  const events: string[] = [];
  const done = { current: deferred() };
  let server: StartedApp;

  @WebSocket('/ordered')
  @UseMiddleware(recorder('class1', events), recorder('class2', events))
  @UseMiddleware(recorder('class3', events))
  class OrderedGateway {
    @OnConnect()
    @UseMiddleware(recorder('method', events))
    async connect(@Conn() ws: WebSocketConnection): Promise<string> {
      events.push(`handler stages=${ws.route.stages.length === 0 ? 'none' : 'set'}`);
      await ws.accept();
      await ws.receiveText();
      return 'handler-result';
    }
  }

  beforeAll(async () => {
    server = await startApp(
      { gateways: [OrderedGateway], websocketMiddlewares: [recorder('global1', events)] },
      (app) => {
        app.use(recorder('global2', events));
        app.use(async function markDone(_ws, next) {
          try {
            return await next();
          } finally {
            done.current.resolve();
          }
        });
        app.websocket(
          '/refuse',
          async () => {
            events.push('refuse handler ran');
          },
          { middlewares: [async function silentRefusal() {}] },
        );
        app.websocket('/deny', () => events.push('deny handler ran'), {
          middlewares: [(ws) => ws.deny(401, 'no entry'), recorder('after-deny', events)],
        });
        app.websocket('/deny-bad-header', () => events.push('bad header handler ran'), {
          middlewares: [(ws) => ws.deny(401, 'no entry', { 'X-Note': 'a\r\nSet-Cookie: injected=1' })],
        });
        app.websocket('/close-before-accept', () => events.push('close handler ran'), {
          middlewares: [(ws) => ws.close()],
        });
        app.websocket('/throws-before', () => events.push('throws handler ran'), {
          middlewares: [
            function explode() {
              throw new Error('boom');
            },
          ],
        });
        app.websocket(
          '/handler-throws',
          async (ws) => {
            await ws.accept();
            await ws.receiveText();
            throw new Error('handler failed');
          },
          { middlewares: [recorder('outer', events)] },
        );
        app.websocket(
          '/twice',
          async (ws) => {
            await ws.accept();
          },
          {
            middlewares: [
              async function callsTwice(_ws, next) {
                await next();
                await next().catch((error: unknown) => events.push(`second next: ${(error as Error).name}`));
              },
            ],
          },
        );
        app.websocket(
          '/hooks',
          async (ws) => {
            await ws.accept();
            for await (const message of ws) await ws.sendText(`got ${String(message)}`);
          },
          { middlewares: [new Upper(), Exclaim] },
        );
      },
    );
  });
  afterAll(() => server.app.close());
  beforeEach(() => {
    events.length = 0;
    done.current = deferred();
  });

  it('runs global, then class, then method middleware in written order, with code after next()', async () => {
    const client = await server.client.connect('/ordered');
    client.sendText('finish');
    expect((await client.expectClose()).code).toBe(1000);
    await withTimeout(done.current.promise, 5000, 'the chain to unwind');
    const after = 'result=handler-result closed=true code=1000';
    expect(events).toEqual([
      'global1:before',
      'global2:before',
      'class1:before',
      'class2:before',
      'class3:before',
      'method:before',
      'handler stages=none',
      `method:after ${after}`,
      `class3:after ${after}`,
      `class2:after ${after}`,
      `class1:after ${after}`,
      `global2:after ${after}`,
      `global1:after ${after}`,
    ]);
  });

  it('lists each route chain in app.routes', () => {
    const ordered = server.app.routes.find((r) => r.path === '/ordered');
    expect(ordered?.middlewares).toEqual(['global1', 'global2', 'markDone', 'class1', 'class2', 'class3', 'method']);
    const hooks = server.app.routes.find((r) => r.path === '/hooks');
    expect(hooks?.middlewares).toEqual(['global1', 'global2', 'markDone', 'Upper', 'Exclaim']);
  });

  it('answers 403 when a middleware returns without next(), and the handler never runs', async () => {
    expect(await server.client.upgradeStatus('/refuse')).toBe(403);
    await withTimeout(done.current.promise, 5000, 'the chain to unwind');
    expect(events).toContain('global1:after result=undefined closed=true code=1006');
    expect(events).not.toContain('refuse handler ran');
  });

  it('lets a middleware deny with its own status, or close() for 403', async () => {
    expect(await server.client.upgradeStatus('/deny')).toBe(401);
    expect(await server.client.upgradeStatus('/close-before-accept')).toBe(403);
    expect(events.filter((e) => e.includes('handler ran') || e.startsWith('after-deny'))).toEqual([]);
  });

  it('answers 500 when a middleware throws before the upgrade', async () => {
    expect(await server.client.upgradeStatus('/throws-before')).toBe(500);
    expect(events).not.toContain('throws handler ran');
  });

  it('refuses to write a response header with CR/LF in deny(): the middleware throws, so 500', async () => {
    expect(await server.client.upgradeStatus('/deny-bad-header')).toBe(500);
    expect(events).not.toContain('bad header handler ran');
  });

  it('shows the handler error to code after next(), and closes with 1011', async () => {
    const client = await server.client.connect('/handler-throws');
    client.sendText('go');
    expect((await client.expectClose()).code).toBe(CloseCode.INTERNAL_ERROR);
    await withTimeout(done.current.promise, 5000, 'the chain to unwind');
    expect(events).toContain('outer:after error=handler failed closed=true code=1011');
  });

  it('rejects a second next() with MiddlewareError', async () => {
    const client = await server.client.connect('/twice');
    await client.expectClose();
    await withTimeout(done.current.promise, 5000, 'the chain to unwind');
    expect(events).toContain(`second next: ${MiddlewareError.name}`);
  });

  it('stops the chain when the client leaves during an async middleware', async () => {
    const entered = deferred();
    const outcome = deferred<unknown>();
    let handlerRan = false;
    const local = await startApp({}, (app) =>
      app.websocket(
        '/slow',
        async (ws) => {
          handlerRan = true;
          await ws.accept();
        },
        {
          middlewares: [
            async (ws, next) => {
              entered.resolve();
              await ws.waitForClose(); // e.g. a slow token check that outlives the client
              await next().then(outcome.resolve, outcome.resolve);
            },
          ],
        },
      ),
    );
    try {
      const upgrade = local.client.connect('/slow', { timeout: 60_000 });
      await withTimeout(entered.promise, 5000, 'the middleware to start');
      await local.client.close(); // aborts the pending upgrade request
      await expect(upgrade).rejects.toThrow('client.close() was called while connecting to /slow');
      const error = await withTimeout(outcome.promise, 5000, 'next() to settle');
      expect(error).toBeInstanceOf(WebSocketDisconnect);
      expect(handlerRan).toBe(false);
    } finally {
      await local.app.close();
    }
  });

  it('runs onMessage hooks in chain order: transform, drop, close', async () => {
    const client = await server.client.connect('/hooks');
    client.sendText('hello');
    expect(await client.receiveText()).toBe('got HELLO!');
    client.sendText('drop');
    client.sendText('x');
    expect(await client.receiveText()).toBe('got X!');
    client.sendText('bye');
    expect(await client.expectClose()).toEqual({ code: 4000, reason: 'bye from middleware' });
    expect(Exclaim.instances).toBe(1);
  });

  it('leaves a route without middleware bare: no chain, no inbound filter', async () => {
    const seen = deferred<string>();
    const local = await startApp({}, (app) =>
      app.websocket('/bare', async (ws) => {
        seen.resolve(ws.route.stages.length === 0 ? 'none' : 'set');
        await ws.accept();
      }),
    );
    try {
      expect(local.app.routes).toEqual([{ path: '/bare', gateway: '(function)', handler: 'anonymous', middlewares: [] }]);
      const client = await local.client.connect('/bare');
      expect(await withTimeout(seen.promise, 5000, 'the handler')).toBe('none');
      await client.expectClose();
    } finally {
      await local.app.close();
    }
  });
});
