import { WebSocketMiddleware, type InboundMessage, type MessageNext, type MiddlewareNext, type WebSocketConnection } from '../../index';
import { createTestClient, type TestConnection } from '../../testing';
import { startApp } from '../helpers/app';
import { deferred, withTimeout } from '../helpers/async';
import { freePort, startSample, stopProcess } from '../helpers/process';

const ECHO_BYTES = 128 * 1024;
const PENDING_ECHOES = 100; // 12.5 MiB: more than the kernel's socket buffers hold for a paused reader

/**
 * Defect 6: `app.close()` sent 1001 without waiting for send buffers to drain, then cut every
 * socket: a client with unread replies got 1006 and lost them, and under load many busy clients
 * got 1006 instead of 1001.
 */
describe('hardening 6: app.close() drains before it closes', () => {
  it('a slow reader with 100 pending echoes gets every echo, then 1001', async () => {
    const arrived = deferred();
    /** Sees each request as it arrives, before it waits in the queue. */
    class CountArrivals extends WebSocketMiddleware {
      private count = 0;
      handle(_ws: WebSocketConnection, next: MiddlewareNext): unknown {
        return next();
      }
      override onMessage(_ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
        next(message);
        if (++this.count === PENDING_ECHOES) arrived.resolve();
      }
    }
    const { app, client } = await startApp({ shutdownTimeoutMs: 20_000 }, (a) =>
      a.websocket(
        '/echo',
        async (ws) => {
          await ws.accept();
          // Each echo waits for drain above sendHighWaterMark: most requests wait in the queue.
          for await (const message of ws) {
            const reply = Buffer.alloc(ECHO_BYTES);
            reply.writeUInt32BE(Number(message));
            await ws.sendBytes(reply);
          }
        },
        { middlewares: [new CountArrivals()] },
      ),
    );
    const closing = { done: null as Promise<void> | null };
    try {
      const reader = await client.connect('/echo');
      reader.pauseReading();
      for (let i = 0; i < PENDING_ECHOES; i++) reader.sendText(String(i));
      await withTimeout(arrived.promise, 10_000, 'the server to receive every request');

      closing.done = app.close();
      reader.resumeReading();
      const { code } = await reader.expectClose(undefined, { timeout: 20_000 });
      const echoes = reader.queuedMessages.map((m) => (m as Buffer).readUInt32BE(0));
      expect(echoes).toEqual(Array.from({ length: PENDING_ECHOES }, (_, i) => i));
      expect(code).toBe(1001);
    } finally {
      await (closing.done ?? app.close());
    }
  });

  it('200 busy clients of the echo sample all get 1001 when it gets SIGINT', async () => {
    const port = await freePort();
    const sample = await startSample('echo', port);
    const exited = new Promise((resolve) => sample.child.once('exit', resolve));
    const client = await createTestClient(`ws://127.0.0.1:${port}`, { timeout: 10_000 });
    try {
      const clients: TestConnection[] = [];
      for (let i = 0; i < 200; i += 50) clients.push(...(await Promise.all(Array.from({ length: 50 }, () => client.connect('/ws')))));
      const payload = 'x'.repeat(4096);
      // Each client keeps 50 messages in flight, a new one for every echo, until the server closes it.
      const send = (conn: TestConnection): void => {
        try {
          conn.sendText(payload);
        } catch {
          // The closing handshake has begun: nothing more can be sent.
        }
      };
      const keepBusy = clients.map(async (conn) => {
        for (let i = 0; i < 50; i++) send(conn);
        while (!conn.closed) {
          await conn.receiveText().catch(() => undefined);
          send(conn);
        }
      });
      process.kill(-sample.child.pid!, 'SIGINT');
      const codes = await Promise.all(clients.map(async (conn) => (await conn.expectClose(undefined, { timeout: 15_000 })).code));
      await Promise.all(keepBusy);
      const counts: Record<number, number> = {};
      for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
      expect(counts).toEqual({ 1001: 200 });
      // SIGINT ends the sample once it has shut down.
      await withTimeout(exited, 15_000, 'the sample to exit after SIGINT');
    } finally {
      await client.close();
      if (sample.child.exitCode === null && sample.child.signalCode === null) await stopProcess(sample.child).catch(() => undefined);
    }
  });

  it('a reader that never reads is cut at shutdownTimeoutMs, and close() resolves', async () => {
    const { app, client } = await startApp({ maxBackpressure: 64 << 20, sendHighWaterMark: 64 << 20, shutdownTimeoutMs: 300 }, (a) =>
      a.websocket('/flood', async (ws) => {
        await ws.accept();
        for (let i = 0; i < PENDING_ECHOES; i++) void ws.sendBytes(Buffer.alloc(ECHO_BYTES));
        await ws.waitForClose();
      }),
    );
    const stuck = await client.connect('/flood');
    stuck.pauseReading();
    await app.close();
    stuck.resumeReading();
    expect((await stuck.expectClose(undefined, { timeout: 10_000 })).code).toBe(1006);
  });
});
