import type { TestConnection } from '../../testing';
import { startApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';

const MiB = 1024 * 1024;
const CLIENTS = 4;
const MESSAGES = 1000; // each 1 MiB, as a client that never reads may try; the old count-only bound (1024) let every one of them queue

/**
 * Sends up to MESSAGES x 1 MiB, one per event-loop turn (so the client never buffers more than a
 * message), until the server has closed the connection: the paused client cannot read the close
 * frame, so `serverClosed` says when to stop.
 */
async function floodUntilClosed(conn: TestConnection, serverClosed: () => boolean): Promise<void> {
  const message = Buffer.alloc(MiB);
  for (let sent = 0; sent < MESSAGES && !serverClosed(); sent++) {
    conn.sendBytes(message);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Defect 2: a client that sends but never reads stalls an echo handler on drain, and its
 * messages queued up to maxQueuedMessages (1024 x 1 MiB, about 1 GiB per connection). The one
 * inbound queue is now bounded in bytes too (maxQueuedBytes, default 4 MiB).
 */
describe('hardening 2: a client that never reads cannot make the server hold its messages', () => {
  it('4 such clients are each closed with 1008 and a reason once 4 MiB are queued', async () => {
    const logger = captureLogger();
    const closedOnServer = new Set<string>();
    const { app, client } = await startApp({ logger }, (a) =>
      a.websocket('/echo', async (ws) => {
        await ws.accept();
        void ws.waitForClose().then(() => closedOnServer.add(ws.queryParams.get('id') ?? ''));
        for await (const message of ws) await ws.sendBytes(message as Buffer);
      }),
    );
    try {
      const conns = await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client.connect(`/echo?id=${id}`)));
      for (const conn of conns) conn.pauseReading();
      await Promise.all(conns.map((conn, id) => floodUntilClosed(conn, () => closedOnServer.has(String(id)))));
      for (const conn of conns) conn.resumeReading();
      const closes = await Promise.all(conns.map((conn) => conn.expectClose(undefined, { timeout: 10_000 })));
      expect(closes).toEqual(Array.from({ length: CLIENTS }, () => ({ code: 1008, reason: 'message queue overflow' })));

      const overflows = logger.entries.filter((e) => /inbound message queue overflow/.test(e.message));
      expect(overflows).toHaveLength(CLIENTS);
      for (const { fields } of overflows) expect(fields.queuedBytes).toBeLessThanOrEqual(4 * MiB);
      const stats = await app.stats();
      expect(stats.errors).toMatchObject({ queue_overflow: CLIENTS });
      // What the server took in before closing: the queue's 4 MiB, what the stalled echo had
      // taken, and what was on its way; not the 1000 MiB each client tried to send.
      expect(stats.bytes.in / CLIENTS).toBeLessThan(16 * MiB);
    } finally {
      await app.close();
    }
  });
});
