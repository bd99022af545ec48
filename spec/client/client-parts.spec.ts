import { DEFAULT_RECONNECT, reconnectDelay, resolveReconnect } from '../../lib/client/backoff';
import { Outbox, utf8Bytes } from '../../lib/client/outbox';
import { PushStream } from '../../lib/client/push-stream';

describe('reconnect delays', () => {
  it('double from initialDelayMs up to maxDelayMs, and jitter takes up to its share off', () => {
    const steps = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => reconnectDelay(attempt, DEFAULT_RECONNECT, 0));
    expect(steps).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    // random close to 1: half of each step is taken off (jitter 0.5); never more.
    expect(reconnectDelay(3, DEFAULT_RECONNECT, 0.999999)).toBe(1000);
    expect(reconnectDelay(3, { ...DEFAULT_RECONNECT, jitter: 1 }, 0.5)).toBe(1000);
  });

  it('checks the options when the client is made', () => {
    expect(resolveReconnect(false)).toBeNull();
    expect(() => resolveReconnect({ jitter: 2 })).toThrow('reconnect.jitter must be between 0 and 1, got 2');
    expect(() => resolveReconnect({ initialDelayMs: -1 })).toThrow('reconnect.initialDelayMs must be a non-negative number, got -1');
  });
});

describe('the outbox', () => {
  it('holds frames up to its count and byte limits, and lets a request out early', () => {
    const outbox = new Outbox(3, 10);
    const frame = (text: string, requestId: number | null) => ({ text, bytes: utf8Bytes(text), type: 't', requestId, expiresAt: Infinity });
    expect(outbox.add(frame('aaaa', 1))).toBeNull();
    expect(outbox.add(frame('bbbbbbb', 2))?.message).toBe('"t" not queued: 4 bytes wait for the connection, and 7 more would pass maxQueuedBytes (10)');
    expect(outbox.add(frame('bb', 2))).toBeNull();
    expect(outbox.add(frame('cc', null))).toBeNull();
    expect(outbox.add(frame('d', null))?.message).toBe('"t" not queued: 3 messages already wait for the connection (maxQueuedMessages)');
    expect(outbox.remove(1)).toBe(true);
    expect(outbox.remove(1)).toBe(false);
    expect(outbox.takeAll().map((f) => f.text)).toEqual(['bb', 'cc']);
    expect(outbox.size).toBe(0);
  });

  it('counts UTF-8 bytes as the wire does', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀b€', '\ud800', 'x\udc00y']) {
      expect({ text, bytes: utf8Bytes(text) }).toEqual({ text, bytes: Buffer.byteLength(text) });
    }
  });
});

describe('a for-await loop over pushes', () => {
  it('gets what arrived while it was busy, then fails once when it falls too far behind', async () => {
    let detached = false;
    const stream = new PushStream<number>(2, () => (detached = true));
    stream.push(1);
    stream.push(2);
    stream.push(3); // the third waiting push: over max
    expect(detached).toBe(true);
    expect(await stream.next()).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    await expect(stream.next()).rejects.toThrow('a for-await loop over the pushes fell 2 messages behind (maxBufferedPushes)');
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('hands a push straight to a waiting loop, and ends it on break', async () => {
    const stream = new PushStream<string>(1, () => undefined);
    const next = stream.next();
    stream.push('now');
    expect(await next).toEqual({ value: 'now', done: false });
    await stream.return();
    stream.push('later');
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
