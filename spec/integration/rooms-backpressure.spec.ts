import type { TestConnection } from '../../testing';
import { withTimeout } from '../helpers/async';
import { startPairServer, type Pair, type PairServer } from '../helpers/pairs';

const MESSAGE_BYTES = 64 * 1024;
const MESSAGES = 300; // ~19 MiB per receiver: far more than the kernel's socket buffers hold
const MAX_BACKPRESSURE = 256 * 1024;

function numbered(seq: number): Buffer {
  const message = Buffer.alloc(MESSAGE_BYTES);
  message.writeUInt32BE(seq);
  return message;
}

function seqOf(data: string | Buffer): number {
  return (data as Buffer).readUInt32BE(0);
}

/**
 * Broadcasts MESSAGES binary messages to `room` while `slow` reads nothing, pacing the sender
 * on `fast` (which lives in this same process and only reads between sends). Asserts that fast
 * got every message, in order.
 */
async function floodPastSlowReceiver(send: (message: Buffer) => Promise<void> | void, fast: TestConnection): Promise<void> {
  for (let seq = 0; seq < MESSAGES; seq++) {
    await send(numbered(seq));
    expect(seqOf(await fast.receiveBytes())).toBe(seq);
  }
}

describe('room broadcasts to a slow receiver', () => {
  let server: PairServer;
  afterEach(() => server.app.close());

  async function openFeed(): Promise<[Pair, Pair, Pair]> {
    const [sender, fast, slow] = await server.openPairs(3);
    for (const { conn } of [sender, fast, slow]) await conn.joinRoom('feed');
    slow.client.pauseReading();
    return [sender, fast, slow];
  }

  it('with closeOnBackpressureLimit: false, drops what the slow receiver cannot take without holding back the others', async () => {
    server = await startPairServer({ maxBackpressure: MAX_BACKPRESSURE, closeOnBackpressureLimit: false });
    const [sender, fast, slow] = await openFeed();

    await floodPastSlowReceiver((message) => sender.conn.broadcastBytes('feed', message), fast.client);

    // uWS stops queueing for a receiver once it is over maxBackpressure: the rest was dropped.
    expect(slow.conn.state).toBe('open');
    expect(slow.conn.bufferedAmount).toBeGreaterThan(0);
    expect(slow.conn.bufferedAmount).toBeLessThanOrEqual(MAX_BACKPRESSURE + MESSAGE_BYTES);

    // Reading again, it gets what was kept before the limit, in order.
    slow.client.resumeReading();
    // The socket closes after the frames queued before the close, so all of them are read by then.
    // (Over its backpressure limit uWS drops the socket rather than answer with a close frame.)
    void slow.client.close(1000, '', { timeout: 60_000 });
    await slow.client.expectClose(undefined, { timeout: 10_000 });
    const kept = slow.client.queuedMessages.map(seqOf);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(MESSAGES);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(await server.app.getRoomSize('feed')).toBe(2);
  });

  it('by default closes the slow receiver with 1013 instead, and the others keep receiving', async () => {
    server = await startPairServer({ maxBackpressure: MAX_BACKPRESSURE });
    const [, fast, slow] = await openFeed();

    await floodPastSlowReceiver((message) => server.app.broadcastBytes('feed', message), fast.client);

    const closed = await withTimeout(slow.conn.waitForClose(), 5000, 'the server to close the slow receiver');
    expect(closed.code).toBe(1013);
    expect(await server.app.getRoomSize('feed')).toBe(2);
    server.app.broadcast('feed', 'after');
    expect(await fast.client.receiveText()).toBe('after');
  });
});
