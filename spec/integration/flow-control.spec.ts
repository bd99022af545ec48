import { startApp, type StartedApp } from '../helpers/app';
import { deferred, withTimeout } from '../helpers/async';

describe('flow control and concurrency', () => {
  let server: StartedApp;
  const highWaterMark = 128 * 1024;
  const chunk = Buffer.alloc(16 * 1024, 7);
  const total = 2000; // 32 MiB in all: far more than the socket buffers can absorb
  const blocked = deferred<number>();
  const done = deferred<{ maxBuffered: number; sent: number }>();

  beforeAll(async () => {
    server = await startApp({ sendHighWaterMark: highWaterMark, maxBackpressure: 64 * 1024 * 1024 }, (app) => {
      app.websocket('/producer', async (ws) => {
        await ws.accept();
        let maxBuffered = 0;
        for (let sent = 0; sent < total; sent++) {
          const handedOver = ws.sendBytes(chunk);
          maxBuffered = Math.max(maxBuffered, ws.bufferedAmount);
          if (ws.bufferedAmount > highWaterMark) blocked.resolve(sent);
          await handedOver;
        }
        done.resolve({ maxBuffered, sent: total });
        await ws.receive();
      });
      app.websocket('/echo', async (ws) => {
        await ws.accept();
        for await (const message of ws) await ws.sendText(message as string);
      });
    });
  });
  afterAll(() => server.app.close());

  it('a handler sending in a loop to a slow reader waits for drain instead of buffering without bound', async () => {
    const client = await server.client.connect('/producer');
    client.pauseReading();
    // The producer blocks once the kernel buffers are full and uWS holds more than the mark.
    const blockedAfter = await withTimeout(blocked.promise, 10_000, 'the producer to block on backpressure');
    expect(blockedAfter).toBeLessThan(total);
    client.resumeReading();
    const result = await withTimeout(done.promise, 20_000, 'the producer to finish after the reader resumed');
    // Memory stays within one message of the high-water mark however much the handler produces.
    expect(result.maxBuffered).toBeLessThanOrEqual(highWaterMark + chunk.length);
    expect(result.sent).toBe(total);
    let received = 0;
    while (received < total && (await client.receiveBytes()).length === chunk.length) received++;
    expect(received).toBe(total);
    await client.close();
  });

  it('200 concurrent clients echo 100 messages each with nothing lost or reordered', async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => server.client.connect('/echo')));
    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = 0; i < 100; i++) client.sendText(`${c}:${i}`);
        for (let i = 0; i < 100; i++) expect(await client.receiveText()).toBe(`${c}:${i}`);
        // 200 closing handshakes at once on two shared cores: give each one the suite's longest wait.
        expect((await client.close(1000, '', { timeout: 20_000 })).code).toBe(1000);
      }),
    );
  });
});
