import {
  CloseCode,
  WebSocketConnection,
  WebSocketMiddleware,
  type InboundMessage,
  type MessageNext,
  type Instrumentation,
  type MiddlewareNext,
} from '../../index';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import { deferred, withTimeout } from '../helpers/async';

async function echo(ws: WebSocketConnection): Promise<void> {
  await ws.accept();
  for await (const message of ws) await ws.sendText(`got ${String(message)}`);
}

abstract class Hook extends WebSocketMiddleware {
  handle(_ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
    return next();
  }
}

describe('onMessage hooks over a real server', () => {
  const logs = captureLogger();
  /** Resolved when the server has received "fast" (seen where the transport hands messages to the hooks). */
  const fastArrived = deferred();
  const lateCalled = deferred();
  let server: StartedApp;

  /** Observes arrivals in front of the hooks, so a spec can wait for one without sleeping. */
  let orderedArrivals = 0;
  const observeArrivals: Instrumentation = {
    messageIn(route) {
      if (route === '/ordered' && ++orderedArrivals === 2) fastArrived.resolve(); // "slow", then "fast"
    },
  };

  class SlowFirst extends Hook {
    override async onMessage(_ws: WebSocketConnection, message: InboundMessage, next: MessageNext): Promise<void> {
      // "slow" is held up until "fast" has arrived: without ordering, "fast" would overtake it.
      if (message === 'slow') await withTimeout(fastArrived.promise, 5000, '"fast" to arrive');
      next(message);
    }
  }

  class Twice extends Hook {
    override onMessage(_ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
      next(message);
      next(message);
    }
  }

  class Late extends Hook {
    override onMessage(_ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
      if (message !== 'late') return next(message);
      setImmediate(() => {
        next(message); // the hook returned long ago, without a promise
        lateCalled.resolve();
      });
    }
  }

  class Rejects extends Hook {
    override async onMessage(): Promise<void> {
      await Promise.resolve();
      throw new Error('hook failed');
    }
  }

  beforeAll(async () => {
    server = await startApp({ logger: logs, instrumentation: observeArrivals }, (app) => {
      app.websocket('/ordered', echo, { middlewares: [new SlowFirst()] });
      app.websocket('/twice', echo, { middlewares: [new Twice()] });
      app.websocket('/late', echo, { middlewares: [new Late()] });
      app.websocket('/rejects', echo, { middlewares: [new Rejects()] });
    });
  });
  afterAll(() => server.app.close());

  it('keeps messages in order while an async hook is pending', async () => {
    const client = await server.client.connect('/ordered');
    client.sendText('slow');
    client.sendText('fast');
    expect(await client.receiveText()).toBe('got slow');
    expect(await client.receiveText()).toBe('got fast');
    client.sendText('after');
    expect(await client.receiveText()).toBe('got after');
    await client.close();
  });

  it('delivers a message once when a hook calls next() twice, and logs it once', async () => {
    const client = await server.client.connect('/twice');
    client.sendText('a');
    client.sendText('b');
    expect(await client.receiveText()).toBe('got a');
    expect(await client.receiveText()).toBe('got b');
    const warnings = logs.entries.filter((e) => e.message.includes('called next() twice'));
    expect(warnings).toEqual([expect.objectContaining({ level: 'warn', fields: { path: '/twice', middleware: 'Twice' } })]);
    await client.close();
  });

  it('drops a message whose hook calls next() after returning, and says how to fix it', async () => {
    const client = await server.client.connect('/late');
    client.sendText('late');
    await withTimeout(lateCalled.promise, 5000, 'the late next() call');
    client.sendText('after');
    expect(await client.receiveText()).toBe('got after');
    const warning = await logs.waitFor((e) => e.message.includes('called next() after it had returned'), 'the warning');
    expect(warning.fields).toEqual({ path: '/late', middleware: 'Late' });
    await client.close();
  });

  it('closes with 1011 when an async hook rejects', async () => {
    const client = await server.client.connect('/rejects');
    client.sendText('x');
    expect(await client.expectClose()).toEqual({ code: CloseCode.INTERNAL_ERROR, reason: 'internal error' });
    const line = await logs.waitFor((e) => e.message.startsWith('middleware threw'), 'the error line');
    expect(line.fields).toMatchObject({ path: '/rejects', middleware: 'Rejects' });
  });

  it('closes with 1008 when more than maxQueuedMessages wait for an async hook', async () => {
    class Stuck extends Hook {
      override onMessage(): Promise<void> {
        return new Promise(() => undefined); // never settles
      }
    }
    const local = await startApp({ logger: logs, maxQueuedMessages: 2 }, (app) =>
      app.websocket('/stuck', echo, { middlewares: [new Stuck()] }),
    );
    try {
      const client = await local.client.connect('/stuck');
      for (const text of ['held by the hook', 'queued 1', 'queued 2', 'one too many']) client.sendText(text);
      expect(await client.expectClose()).toEqual({ code: CloseCode.POLICY_VIOLATION, reason: 'message queue overflow' });
    } finally {
      await local.app.close();
    }
  });

  it('bounds messages held for an async hook and messages waiting for the handler together, once', async () => {
    const handlerIdle = deferred();
    class StuckOnC extends Hook {
      override onMessage(_ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void | Promise<void> {
        if (message === 'c') return new Promise(() => undefined); // never settles: later messages are held
        next(message);
      }
    }
    const local = await startApp({ logger: logs, maxQueuedMessages: 2 }, (app) =>
      app.websocket(
        '/not-reading',
        async (ws) => {
          await ws.accept();
          handlerIdle.resolve();
          await ws.waitForClose(); // never receives: "a" and "b" fill the queue
        },
        { middlewares: [new StuckOnC()] },
      ),
    );
    try {
      const client = await local.client.connect('/not-reading');
      await withTimeout(handlerIdle.promise, 5000, 'the handler');
      // Two queues of two each would take "d" (held) without complaint; one queue of two does not.
      for (const text of ['a', 'b', 'c', 'd']) client.sendText(text);
      expect(await client.expectClose()).toEqual({ code: CloseCode.POLICY_VIOLATION, reason: 'message queue overflow' });
    } finally {
      await local.app.close();
    }
  });

  it('closes with 1008 when the queued bytes pass maxQueuedBytes, however few the messages', async () => {
    const local = await startApp({ logger: logs, maxQueuedBytes: 64 * 1024 }, (app) =>
      app.websocket('/bytes', async (ws) => {
        await ws.accept();
        await ws.waitForClose();
      }),
    );
    try {
      const client = await local.client.connect('/bytes');
      for (let i = 0; i < 3; i++) client.sendBytes(Buffer.alloc(30 * 1024));
      expect(await client.expectClose()).toEqual({ code: CloseCode.POLICY_VIOLATION, reason: 'message queue overflow' });
      const line = await logs.waitFor(
        (e) => e.message.startsWith('inbound message queue overflow') && e.fields.queuedBytes === 60 * 1024,
        'the log line',
      );
      expect(line.fields).toMatchObject({ maxQueuedBytes: 64 * 1024 });
    } finally {
      await local.app.close();
    }
  });
});
