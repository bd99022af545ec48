import type { TestConnection } from '../../testing';
import { withTimeout } from '../helpers/async';
import { captureLogger } from '../helpers/capture-logger';
import { startPairServer, type PairServer } from '../helpers/pairs';

const MESSAGE_BYTES = 64 * 1024;
const MESSAGES = 300; // ~19 MiB: far more than the kernel's socket buffers hold for a paused reader
const MAX_BACKPRESSURE = 256 * 1024;

function numbered(seq: number): Buffer {
  const message = Buffer.alloc(MESSAGE_BYTES);
  message.writeUInt32BE(seq);
  return message;
}

/** What a paused client got, once it read again until the close: must be 0, 1, 2, ... with no gap. */
async function readUntilClosed(client: TestConnection): Promise<{ seqs: number[]; code: number; reason: string }> {
  client.resumeReading();
  const { code, reason } = await client.expectClose(undefined, { timeout: 10_000 });
  return { seqs: client.queuedMessages.map((m) => (m as Buffer).readUInt32BE(0)), code, reason };
}

/**
 * Defect 5: a paused member of a busy room lost most broadcasts (uWS dropped its copies past
 * maxBackpressure) with no close, no log, and later broadcasts resumed as if nothing happened.
 * Now it gets everything up to the point it fell too far behind, then a close frame (1013).
 */
describe('hardening 5: a slow receiver never misses a message silently', () => {
  let server: PairServer;
  afterEach(() => server.app.close());

  it('a room member that stops reading is closed with 1013 after a gapless prefix; the others get everything', async () => {
    const logger = captureLogger();
    const errors: [string | null, string][] = [];
    server = await startPairServer({ logger, maxBackpressure: MAX_BACKPRESSURE, instrumentation: { error: (route, code) => errors.push([route, code]) } });
    const [sender, fast, slow] = await server.openPairs(3);
    for (const { conn } of [sender, fast, slow]) await conn.joinRoom('feed');
    slow.client.pauseReading();

    for (let seq = 0; seq < MESSAGES; seq++) {
      await sender.conn.broadcastBytes('feed', numbered(seq));
      expect((await fast.client.receiveBytes()).readUInt32BE(0)).toBe(seq);
    }

    const closed = await withTimeout(slow.conn.waitForClose(), 5000, 'the server to close the slow receiver');
    expect(closed).toEqual({ code: 1013, reason: 'too slow: fell more than maxBackpressure behind' });
    const got = await readUntilClosed(slow.client);
    expect(got.code).toBe(1013);
    expect(got.seqs.length).toBeGreaterThan(0);
    expect(got.seqs).toEqual(got.seqs.map((_, i) => i));

    expect(logger.entries.some((e) => e.level === 'warn' && /receiver too slow/.test(e.message) && e.fields.route === '/pair')).toBe(true);
    expect(errors).toEqual([['/pair', 'slow_receiver']]);
    expect((await server.app.stats()).errors).toMatchObject({ slow_receiver: 1 });
    // The others were not held back and stay in the room.
    server.app.broadcast('feed', 'after');
    expect(await fast.client.receiveText()).toBe('after');
    expect(await server.app.getRoomSize('feed')).toBe(2);
  });

  it('a handler that sends without waiting for drain closes the receiver the same way, after what it sent', async () => {
    server = await startPairServer({ maxBackpressure: MAX_BACKPRESSURE });
    const { client, conn } = await server.openPair();
    client.pauseReading();
    const sends: Promise<unknown>[] = [];
    for (let seq = 0; seq < MESSAGES && conn.state === 'open'; seq++) sends.push(conn.sendBytes(numbered(seq)).catch((e: Error) => e));
    // Sends over sendHighWaterMark wait for a drain that never comes, until the receiver is closed.
    const outcomes = await withTimeout(Promise.all(sends), 5000, 'every send to settle');
    expect(outcomes.some((outcome) => outcome instanceof Error && outcome.name === 'WebSocketDisconnect')).toBe(true);

    const got = await readUntilClosed(client);
    expect(got.code).toBe(1013);
    // Every send that was handed over arrived, in order.
    expect(got.seqs).toEqual(got.seqs.map((_, i) => i));
    expect(got.seqs.length).toBe(sends.length);
  });

  it('closeOnBackpressureLimit: false keeps the old lossy behaviour for feeds that can afford gaps', async () => {
    server = await startPairServer({ maxBackpressure: MAX_BACKPRESSURE, closeOnBackpressureLimit: false });
    const [sender, fast, slow] = await server.openPairs(3);
    for (const { conn } of [sender, fast, slow]) await conn.joinRoom('feed');
    slow.client.pauseReading();
    for (let seq = 0; seq < MESSAGES; seq++) {
      await sender.conn.broadcastBytes('feed', numbered(seq));
      expect((await fast.client.receiveBytes()).readUInt32BE(0)).toBe(seq);
    }
    expect(slow.conn.state).toBe('open');
    // A paused reader would hold app.close() until shutdownTimeoutMs, waiting for it to drain.
    await slow.client.terminate();
  });
});
