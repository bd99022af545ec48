import {
  Conn,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Param,
  User,
  WebSocket,
  WebSocketMessageTypeError,
  WsException,
  type WebSocketConnection,
} from '../../index';
import { RateLimitMiddleware, UseMiddleware } from '../../middleware';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import type { TestConnection } from '../../testing';
import { deferred, withTimeout } from '../helpers/async';

interface DisconnectCall {
  code: number;
  reason: string;
  user: unknown;
  room: string;
  sameConnection: boolean;
}

/**
 * A fresh message gateway whose @OnConnect behaviour the test chooses; records @OnDisconnect calls.
 * It allows 3 messages per minute per connection; the 4th closes with 1008.
 */
function lifecycleGateway(onConnect: (ws: WebSocketConnection) => unknown = (ws) => ws.accept()) {
  const calls: DisconnectCall[] = [];
  const disconnected = deferred();
  const connections = new Set<WebSocketConnection>();

  @WebSocket('/room/:room')
  @UseMiddleware(new RateLimitMiddleware({ maxMessages: 3, windowSeconds: 60 }))
  class LifecycleGateway {
    @OnConnect()
    async connect(ws: WebSocketConnection) {
      ws.userData.user = 'ann';
      connections.add(ws);
      await onConnect(ws);
    }

    @OnMessage('ping', null)
    ping(@User() user: string) {
      return `pong ${user}`;
    }

    @OnDisconnect()
    left(code: number, reason: string, @User() user: unknown, @Param('room') room: string, @Conn() ws: WebSocketConnection) {
      calls.push({ code, reason, user, room, sameConnection: connections.has(ws) });
      disconnected.resolve();
    }
  }
  return { LifecycleGateway, calls, disconnected: () => withTimeout(disconnected.promise, 5000, '@OnDisconnect') };
}

describe('@OnConnect and @OnDisconnect around @OnMessage handlers', () => {
  let server: StartedApp | undefined;
  let client: TestConnection | undefined;
  const log = captureLogger();
  const start = async (gateway: new () => object): Promise<StartedApp> =>
    (server = await startApp({ logger: log, gateways: [gateway] }));
  const openAndPing = async (app: StartedApp): Promise<TestConnection> => {
    client = await app.client.connect('/room/lobby');
    client.sendJson({ type: 'ping' });
    expect(await client.receiveJson()).toEqual({ type: 'ping', data: 'pong ann' });
    return client;
  };
  afterEach(async () => {
    await client?.terminate();
    await server?.app.close();
    server = client = undefined;
  });

  const once = (code: number, reason: string): DisconnectCall[] => [
    { code, reason, user: 'ann', room: 'lobby', sameConnection: true },
  ];

  it('calls @OnDisconnect exactly once on a clean close', async () => {
    const { LifecycleGateway, calls, disconnected } = lifecycleGateway();
    const app = await start(LifecycleGateway);
    (await openAndPing(app)).close(1000, 'bye');
    await disconnected();
    await app.app.close(); // waits for every connection's handler, so a second call would be in by now
    expect(calls).toEqual(once(1000, 'bye'));
  });

  it('calls @OnDisconnect exactly once on an abrupt disconnect', async () => {
    const { LifecycleGateway, calls, disconnected } = lifecycleGateway();
    const app = await start(LifecycleGateway);
    await (await openAndPing(app)).terminate();
    await disconnected();
    await app.app.close();
    expect(calls).toEqual([expect.objectContaining({ code: 1006, sameConnection: true })]);
  });

  it('calls @OnDisconnect exactly once when the server closes, before close() resolves', async () => {
    const { LifecycleGateway, calls } = lifecycleGateway();
    const app = await start(LifecycleGateway);
    const socket = await openAndPing(app);
    await app.app.close();
    expect(calls).toEqual(once(1001, 'server shutting down'));
    expect((await socket.expectClose()).code).toBe(1001);
  });

  it('calls @OnDisconnect exactly once on a RateLimitMiddleware close (1008)', async () => {
    const { LifecycleGateway, calls, disconnected } = lifecycleGateway();
    const app = await start(LifecycleGateway);
    const socket = await openAndPing(app); // message 1 of 3
    for (let i = 0; i < 3; i++) socket.sendJson({ type: 'ping', id: i });
    expect(await socket.receiveJson()).toMatchObject({ id: 0 });
    expect(await socket.receiveJson()).toMatchObject({ id: 1 });
    expect(await socket.expectClose()).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    await disconnected();
    await app.app.close();
    expect(calls).toEqual(once(1008, 'rate limit exceeded'));
  });

  it('answers HTTP 403 when @OnConnect returns without accept(), as in every gateway, and says why', async () => {
    const { LifecycleGateway, calls } = lifecycleGateway(() => undefined);
    const app = await start(LifecycleGateway);
    expect(await app.client.upgradeStatus('/room/lobby')).toBe(403);
    await app.app.close();
    expect(calls).toEqual([]);
    const warning = await log.waitFor((entry) => /LifecycleGateway\.connect returned without calling accept\(\)/.test(entry.message), 'the warning');
    expect(warning.level).toBe('warn');
  });

  it('accepts by itself when the gateway has no @OnConnect', async () => {
    @WebSocket('/bare')
    class BareGateway {
      @OnMessage('ping', null)
      ping() {
        return 'pong';
      }
    }
    const app = await start(BareGateway);
    client = await app.client.connect('/bare');
    client.sendJson({ type: 'ping', id: 1 });
    expect(await client.receiveJson()).toEqual({ type: 'ping', id: 1, data: 'pong' });
    const boot = log.entries.find((entry) => entry.message.startsWith('route WS /bare '));
    expect(boot?.message).toBe('route WS /bare -> BareGateway.ping (@OnMessage ping); accepted by ProAPI (no @OnConnect)');
  });

  it('lets @OnConnect refuse: no upgrade, no @OnDisconnect', async () => {
    const { LifecycleGateway, calls } = lifecycleGateway((ws) => ws.deny(401, 'who are you?'));
    const app = await start(LifecycleGateway);
    expect(await app.client.upgradeStatus('/room/lobby')).toBe(401);
    await app.app.close();
    expect(calls).toEqual([]);
  });

  it('lets @OnConnect accept itself, with a subprotocol', async () => {
    const { LifecycleGateway } = lifecycleGateway((ws) => ws.accept('chat.v1'));
    const app = await start(LifecycleGateway);
    client = await app.client.connect('/room/lobby', { protocols: ['chat.v1'] });
    expect(client.protocol).toBe('chat.v1');
    client.sendJson({ type: 'ping', id: 1 });
    expect(await client.receiveJson()).toEqual({ type: 'ping', id: 1, data: 'pong ann' });
  });

  it('answers HTTP 500 when @OnConnect throws before the upgrade', async () => {
    const { LifecycleGateway, calls } = lifecycleGateway(() => {
      throw new Error('database down');
    });
    const app = await start(LifecycleGateway);
    expect(await app.client.upgradeStatus('/room/lobby')).toBe(500);
    await app.app.close();
    expect(calls).toEqual([]);
  });

  it('closes with 1011 when @OnConnect throws after accept(), and still calls @OnDisconnect once', async () => {
    const { LifecycleGateway, calls, disconnected } = lifecycleGateway(async (ws) => {
      await ws.accept();
      throw new Error('half set up');
    });
    const app = await start(LifecycleGateway);
    client = await app.client.connect('/room/lobby');
    expect((await client.expectClose()).code).toBe(1011);
    await disconnected();
    await app.app.close();
    expect(calls).toEqual(once(1011, 'internal error'));
  });

  it('closes with the error code of bad client data escaping @OnConnect after accept()', async () => {
    const { LifecycleGateway, calls, disconnected } = lifecycleGateway(async (ws) => {
      await ws.accept();
      throw new WebSocketMessageTypeError('text', 'binary');
    });
    const app = await start(LifecycleGateway);
    client = await app.client.connect('/room/lobby');
    expect(await client.expectClose()).toEqual({ code: 1003, reason: 'expected a text message but received a binary message' });
    await disconnected();
    expect(calls).toEqual([expect.objectContaining({ code: 1003 })]);
  });

  it('sends a WsException thrown by @OnConnect after accept() as its error frame, and keeps the connection', async () => {
    const { LifecycleGateway, calls } = lifecycleGateway(async (ws) => {
      await ws.accept();
      throw new WsException('profile_missing', 'set up your profile first', { step: 1 });
    });
    const app = await start(LifecycleGateway);
    client = await app.client.connect('/room/lobby');
    expect(await client.receiveJson()).toEqual({
      type: 'error',
      error: 'profile_missing',
      message: 'set up your profile first',
      data: { step: 1 },
    });
    client.sendJson({ type: 'ping', id: 1 });
    expect(await client.receiveJson()).toEqual({ type: 'ping', id: 1, data: 'pong ann' });
    expect(calls).toEqual([]);
  });

  it('holds messages back until an async @OnConnect has finished', async () => {
    const ready = deferred();
    const { LifecycleGateway } = lifecycleGateway(async (ws) => {
      await ws.accept();
      await ready.promise;
      ws.userData.user = 'ann (loaded)';
    });
    const app = await start(LifecycleGateway);
    client = await app.client.connect('/room/lobby');
    client.sendJson({ type: 'ping', id: 1 });
    client.sendJson({ type: 'ping', id: 2 });
    ready.resolve();
    expect(await client.receiveJson()).toEqual({ type: 'ping', id: 1, data: 'pong ann (loaded)' });
    expect(await client.receiveJson()).toEqual({ type: 'ping', id: 2, data: 'pong ann (loaded)' });
  });

  it('closes with 1008 when messages pile up behind a slow handler past maxQueuedMessages', async () => {
    const gate = deferred();
    @WebSocket('/slow')
    class SlowGateway {
      @OnMessage('work', null) work() {
        return gate.promise;
      }
    }
    server = await startApp({ logger: log, gateways: [SlowGateway], maxQueuedMessages: 2 });
    client = await server.client.connect('/slow');
    for (let i = 0; i < 4; i++) client.sendJson({ type: 'work', id: i });
    expect(await client.expectClose()).toEqual({ code: 1008, reason: 'message queue overflow' });
    gate.resolve();
  });

  describe('with an async handler still running when the connection closes', () => {
    /** A gateway whose `work` handler waits for `gate`; `closed` resolves once the server saw the close. */
    function blockingGateway() {
      const events: string[] = [];
      const started = deferred();
      const closed = deferred();
      const gate = deferred();
      const disconnected = deferred();
      @WebSocket('/work')
      class BlockingGateway {
        @OnMessage('work', null)
        async work(ws: WebSocketConnection) {
          void ws.waitForClose().then(() => closed.resolve());
          events.push('handler start');
          started.resolve();
          await gate.promise;
          events.push('handler end');
          return 'done'; // the reply finds the socket closed; that is not an error
        }

        @OnDisconnect()
        left(code: number) {
          events.push(`disconnect ${code}`);
          disconnected.resolve();
        }
      }
      return {
        BlockingGateway,
        events,
        gate,
        started: () => withTimeout(started.promise, 5000, 'the handler to start'),
        closed: () => withTimeout(closed.promise, 5000, 'the server to see the close'),
        disconnected: () => withTimeout(disconnected.promise, 5000, '@OnDisconnect'),
      };
    }

    it('calls @OnDisconnect only after the handler has finished (client went away)', async () => {
      const gateway = blockingGateway();
      const app = await start(gateway.BlockingGateway);
      client = await app.client.connect('/work');
      client.sendJson({ type: 'work' });
      await gateway.started();
      await client.terminate();
      await gateway.closed();
      gateway.gate.resolve();
      await gateway.disconnected();
      expect(gateway.events).toEqual(['handler start', 'handler end', 'disconnect 1006']);
    });

    it('makes app.close() wait for the handler, then for @OnDisconnect', async () => {
      const gateway = blockingGateway();
      const app = await start(gateway.BlockingGateway);
      client = await app.client.connect('/work');
      client.sendJson({ type: 'work' });
      await gateway.started();
      const closing = app.app.close().then(() => gateway.events.push('app closed'));
      await gateway.closed();
      expect((await client.expectClose()).code).toBe(1001);
      gateway.gate.resolve();
      await withTimeout(closing, 5000, 'app.close()');
      expect(gateway.events).toEqual(['handler start', 'handler end', 'disconnect 1001', 'app closed']);
    });
  });

  it('logs an @OnDisconnect that throws and keeps serving', async () => {
    const called = deferred();
    @WebSocket('/fragile')
    class FragileGateway {
      @OnMessage('ping', null) ping() {
        return 'pong';
      }
      @OnDisconnect() left() {
        called.resolve();
        throw new Error('cleanup failed');
      }
    }
    const app = await start(FragileGateway);
    await (await app.client.connect('/fragile')).close();
    await withTimeout(called.promise, 5000, '@OnDisconnect');
    // The hook threw synchronously, so its error was logged before `called` settled for us.
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'error', message: '@OnDisconnect() threw; after the connection closed' }));
    client = await app.client.connect('/fragile');
    client.sendJson({ type: 'ping' });
    expect(await client.receiveJson()).toEqual({ type: 'ping', data: 'pong' });
  });
});

describe('a gateway with only an @OnConnect loop', () => {
  @WebSocket('/loop')
  class LoopGateway {
    @OnConnect()
    async connect(ws: WebSocketConnection) {
      await ws.accept();
      for await (const message of ws) await ws.sendText(`Echo: ${message.toString()}`);
    }
  }

  it('keeps owning the connection as before', async () => {
    const server = await startApp({ gateways: [LoopGateway] });
    const client = await server.client.connect('/loop');
    client.sendText('{"type":"ping"}');
    expect(await client.receiveText()).toBe('Echo: {"type":"ping"}');
    expect((await client.close()).code).toBe(1000);
    await server.app.close();
  });
});
