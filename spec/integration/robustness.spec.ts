import http from 'node:http';
import NodeWebSocket from 'ws';
import {
  OnConnect,
  ProAPI,
  WebSocket,
  WebSocketDisconnect,
  WebSocketProtocolError,
  silentLogger,
  type WebSocketConnection,
} from '../../index';
import { createTestClient } from '../../testing';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import { deferred, withTimeout } from '../helpers/async';
import { freePort } from '../helpers/process';

class OddProtocolError extends WebSocketProtocolError {
  override readonly closeCode = 1005; // reserved: may never be sent in a close frame
}

describe('robustness: bad handler code and bad input never take the server down', () => {
  const logger = captureLogger();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  let server: StartedApp;
  const peers: WebSocketConnection[] = [];
  const fireAndForgetDone = deferred();
  const receiveDuringClose = deferred<unknown>();

  @WebSocket('/registered')
  class RegisteredGateway {
    @OnConnect()
    async connect(ws: WebSocketConnection): Promise<void> {
      await ws.accept();
      const twice = await ws.accept().then(() => 'accepted twice', (e: Error) => e.message);
      await ws.sendText(twice);
      const pending = ws.receiveText().catch((e: unknown) => e);
      await ws.close(4000, 'server says bye');
      receiveDuringClose.resolve(await pending);
    }
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startApp({ logger, acceptTimeoutMs: 100 }, (app) => {
      app.register(new RegisteredGateway());
      app.websocket('/peer', async (ws) => {
        await ws.accept();
        peers.push(ws);
        await ws.waitForClose();
      });
      app.websocket('/fire-and-forget', async (ws) => {
        await ws.accept();
        const gone = peers.shift()!;
        await gone.waitForClose();
        void gone.sendText('nobody is there'); // not awaited, on purpose
        void gone.broadcastJson('some-room', { not: 'awaited' });
        await new Promise((resolve) => setImmediate(resolve));
        fireAndForgetDone.resolve();
        await ws.sendText('alive');
      });
      app.websocket('/other-disconnect', async (ws) => {
        await ws.accept();
        const gone = peers.shift()!;
        await gone.waitForClose();
        await gone.sendText('to a closed peer'); // rejects with WebSocketDisconnect: the peer's, not ws's
      });
      app.websocket('/odd-code', async (ws) => {
        await ws.accept();
        throw new OddProtocolError('odd');
      });
      app.websocket('/hangs', () => new Promise<void>(() => undefined));
      app.websocket('/bad-codes', async (ws) => {
        const denyError = (() => {
          try {
            ws.deny(200);
            return 'no error';
          } catch (error) {
            return (error as Error).message;
          }
        })();
        await ws.accept();
        const closeError = await ws.close(1005).catch((e: Error) => e.message);
        await ws.sendJson({ denyError, closeError });
      });
      app.get('/bad-status', () => ({ status: 42, body: 'nope' }));
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server.app.close();
  });

  it('a send nobody awaits, to a peer that has gone, does not crash the process', async () => {
    const peer = await server.client.connect('/peer');
    const sender = await server.client.connect('/fire-and-forget');
    await peer.terminate();
    await withTimeout(fireAndForgetDone.promise, 5000, 'the fire-and-forget sends');
    expect(await sender.receiveText()).toBe('alive');
    expect(unhandled).toEqual([]);
    await sender.close();
  });

  it("another socket's disconnect escaping a handler closes with 1011 and is logged", async () => {
    const peer = await server.client.connect('/peer');
    const sender = await server.client.connect('/other-disconnect');
    await peer.terminate();
    expect((await sender.expectClose()).code).toBe(1011);
    await logger.waitFor(
      (e) => e.level === 'error' && e.fields.err instanceof WebSocketDisconnect && e.fields.path === '/other-disconnect',
      'the 1011 log line',
    );
  });

  it('a protocol error with an unsendable close code closes with 1011 instead of crashing', async () => {
    const client = await server.client.connect('/odd-code');
    expect((await client.expectClose()).code).toBe(1011);
  });

  it('a handler that neither accepts nor refuses gets HTTP 408 after acceptTimeoutMs', async () => {
    expect(await server.client.upgradeStatus('/hangs')).toBe(408);
    await logger.waitFor((e) => /acceptTimeoutMs/.test(e.message), 'the accept-timeout log line');
  });

  it('deny() with a non-error status throws; close() with a reserved code rejects', async () => {
    const client = await server.client.connect('/bad-codes');
    expect(await client.receiveJson()).toEqual({
      denyError: 'deny() takes an HTTP error status (400-599), got 200',
      closeError: 'close code 1005 cannot be sent; use 1000, 1001, 1003, 1007-1014 or 3000-4999',
    });
    await client.close();
  });

  it('register(instance), accept() twice, and close() during a pending receive', async () => {
    const client = await server.client.connect('/registered');
    expect(await client.receiveText()).toBe('accept() was already called on this connection');
    expect(await client.expectClose()).toEqual({ code: 4000, reason: 'server says bye' });
    const error = await withTimeout(receiveDuringClose.promise, 5000, 'the pending receive to reject');
    expect(error).toBeInstanceOf(WebSocketDisconnect);
    expect((error as WebSocketDisconnect).code).toBe(4000);
  });

  it('an unsupported WebSocket version gets 426 naming version 13', async () => {
    expect(await upgradeStatusOfVersion8(server.client.url('/peer'))).toBe(426);
  });

  it('an HTTP route answering an invalid status gets 500 and a log line', async () => {
    const status = await new Promise<number>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: server.port, path: '/bad-status', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    expect(status).toBe(500);
  });

  it('logs the route table at boot, with who accepts each route\'s connections', () => {
    const accepts = '@OnConnect must accept(); returning without it answers HTTP 403';
    const line = logger.entries.find((e) => e.message === `route WS /registered -> RegisteredGateway.connect; ${accepts}`);
    expect(line?.fields).toMatchObject({ method: 'WS', path: '/registered', gateway: 'RegisteredGateway', handler: 'connect', accepts });
  });
});

describe('options and listen are checked', () => {
  it('rejects limits uWS cannot honour', () => {
    expect(() => new ProAPI({ logger: silentLogger, idleTimeoutSeconds: 5 })).toThrow(/idleTimeoutSeconds must be 0 \(off\) or at least 8/);
    expect(() => new ProAPI({ logger: silentLogger, sendHighWaterMark: 10, maxBackpressure: 5 })).toThrow(
      /sendHighWaterMark \(10\) must not exceed maxBackpressure \(5\)/,
    );
    expect(() => new ProAPI({ logger: silentLogger, maxQueuedMessages: -1 })).toThrow(/maxQueuedMessages must be a non-negative number/);
  });

  it('a listen() on a port another process listens on rejects (no silent SO_REUSEPORT sharing)', async () => {
    const { spawn } = await import('node:child_process');
    const wanted = await freePort();
    const script =
      `const u = require('uWebSockets.js'); u.App().listen('127.0.0.1', ${wanted}, (s) => ` +
      "{ console.log(s ? 'ok' : 'failed'); process.stdin.on('end', () => process.exit(0)); process.stdin.resume(); });";
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const answer = await withTimeout(
        new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))),
        10_000,
        'the other process to listen',
      );
      expect(answer).toBe('ok');
      const port = wanted;
      const app = new ProAPI({ logger: silentLogger });
      app.websocket('/x', (ws) => ws.accept());
      const outcome = await app.listen(port, '127.0.0.1').then(
        () => 'listened',
        (error: Error) => error.message,
      );
      await app.close();
      expect(outcome).toMatch(/could not listen on 127.0.0.1:\d+: the port is in use/);
    } finally {
      child.stdin.end();
    }
  });

  it('a listen() on a port in use rejects, and can be retried on another port', async () => {
    const first = await startApp({}, (app) => app.websocket('/a', (ws) => ws.accept()));
    const second = new ProAPI({ logger: silentLogger });
    second.websocket('/b', (ws) => ws.accept());
    try {
      await expect(second.listen(first.port, '127.0.0.1')).rejects.toThrow(/could not listen on 127.0.0.1:\d+/);
      const port = await second.listen(0, '127.0.0.1');
      expect(port).not.toBe(first.port);
      const client = await createTestClient(second);
      expect(client.port).toBe(port);
      const conn = await client.connect('/b');
      expect((await conn.expectClose()).code).toBe(1000);
    } finally {
      await second.close();
      await first.app.close();
    }
  });
});

/**
 * The status answering an upgrade that offers WebSocket version 8. The test client speaks only
 * version 13, as browsers do, so this malformed handshake goes through `ws` directly.
 */
function upgradeStatusOfVersion8(url: string): Promise<number> {
  const socket = new NodeWebSocket(url, { protocolVersion: 8 });
  return withTimeout(
    new Promise((resolve) => {
      socket.once('unexpected-response', (_request, response) => {
        response.resume();
        socket.terminate(); // also closes the refused request's socket
        resolve(response.statusCode ?? 0);
      });
      socket.once('open', () => {
        socket.terminate();
        resolve(101);
      });
      socket.on('error', () => undefined);
    }),
    5000,
    `the answer to a version 8 upgrade of ${url}`,
  );
}
