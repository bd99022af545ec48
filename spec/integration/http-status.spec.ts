import http from 'node:http';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import { createTestClient, UpgradeRefusedError } from '../../testing';
import { deferred, withTimeout } from '../helpers/async';

function plainGet(port: number, path: string): Promise<{ status: number; upgrade?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, upgrade: res.headers.upgrade });
      })
      .on('error', reject);
  });
}

describe('HTTP answers before the upgrade', () => {
  const logger = captureLogger();
  const handlerRan = { afterRefuse: false };
  let server: StartedApp;
  beforeAll(async () => {
    server = await startApp({ logger, maxConnections: 3 }, (app) => {
      app.websocket('/refuse', async (ws) => {
        await ws.close(1000, 'go away');
        handlerRan.afterRefuse = true;
      });
      app.websocket('/forgot', () => undefined);
      app.websocket('/throws', () => {
        throw new Error('boom before accept');
      });
      app.websocket('/deny', (ws) => ws.deny(401, 'who are you?'));
      app.websocket('/ok', async (ws) => {
        await ws.accept();
        await ws.receive().catch(() => undefined);
      });
    });
  });
  afterAll(() => server.app.close());

  it('close() before accept() answers 403 with the reason', async () => {
    const error = await server.client.connect('/refuse').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeRefusedError);
    expect((error as UpgradeRefusedError).status).toBe(403);
    expect((error as UpgradeRefusedError).body).toBe('go away');
    expect(handlerRan.afterRefuse).toBe(true);
  });

  it('a handler that returns without accepting answers 403 and logs why', async () => {
    expect(await server.client.upgradeStatus('/forgot')).toBe(403);
    expect(logger.entries.some((e) => e.level === 'warn' && /without calling accept\(\)/.test(e.message))).toBe(true);
  });

  it('a handler that throws before accepting answers 500 and logs the error', async () => {
    expect(await server.client.upgradeStatus('/throws')).toBe(500);
    const entry = logger.entries.find((e) => e.level === 'error' && (e.fields.err as Error)?.message === 'boom before accept');
    expect(entry).toBeDefined();
  });

  it('deny(status) answers that status', async () => {
    expect(await server.client.upgradeStatus('/deny')).toBe(401);
  });

  it('an upgrade to an unknown path answers 404', async () => {
    expect(await server.client.upgradeStatus('/nowhere')).toBe(404);
  });

  it('a plain GET on a WebSocket path answers 426 with Upgrade: websocket', async () => {
    expect(await plainGet(server.port, '/ok')).toEqual({ status: 426, upgrade: 'websocket' });
    expect((await plainGet(server.port, '/nowhere')).status).toBe(404);
  });

  it('more than maxConnections answers 503 and the others keep working', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => server.client.connect('/ok')));
    expect(await server.client.upgradeStatus('/ok')).toBe(503);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('a client that leaves before accept() does not crash the server', async () => {
    const reached = deferred();
    const finished = deferred<string>();
    const local = await startApp({}, (app) => {
      app.websocket('/slow', async (ws) => {
        reached.resolve();
        await ws.waitForClose();
        finished.resolve(String(await ws.accept().catch((e: Error) => e.name)));
      });
      app.websocket('/fine', (ws) => ws.accept());
    });
    try {
      // A client of its own, whose close() abandons the upgrade and destroys its socket.
      const leaving = await createTestClient(local.app);
      const upgrade = leaving.connect('/slow', { timeout: 60_000 });
      await withTimeout(reached.promise, 5000, 'the handler to start');
      await leaving.close();
      await expect(upgrade).rejects.toThrow('client.close() was called while connecting to /slow');
      expect(await withTimeout(finished.promise, 5000, 'accept() after the abort to settle')).toBe('WebSocketDisconnect');
      const client = await local.client.connect('/fine');
      expect((await client.expectClose()).code).toBe(1000);
    } finally {
      await local.app.close();
    }
  });
});
