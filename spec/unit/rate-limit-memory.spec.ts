import { KeyedLogs } from '../../lib/middleware/keyed-logs';
import { SlidingLog } from '../../lib/middleware/sliding-log';

describe('RateLimitMiddleware memory', () => {
  const WINDOW_MS = 10_000;

  it('keeps at most maxIdleKeys idle keys among 20,000 distinct ones, forgetting the least recently used', () => {
    const keyed = new KeyedLogs(5, WINDOW_MS, 1000);
    const use = (key: string, now: number): SlidingLog => {
      const log = keyed.acquire(key);
      log.tryAdd(now, WINDOW_MS);
      keyed.release(key, log, now);
      return log;
    };
    let largest = 0;
    for (let i = 0; i < 20_000; i++) {
      use(`key-${i}`, 0);
      if (i % 2 === 0) use('key-0', 0); // used again and again: never the least recently used
      largest = Math.max(largest, keyed.size);
    }
    expect(largest).toBe(1000);
    expect(keyed.size).toBe(1000);
    // Remembered: its window still counts (one event recorded on each use above, and more now).
    const hot = keyed.acquire('key-0');
    expect(hot.tryAdd(1, WINDOW_MS)).toBe(false);
    keyed.release('key-0', hot, 1);
    // Forgotten: a fresh log.
    const cold = keyed.acquire('key-1');
    for (let i = 0; i < 5; i++) expect(cold.tryAdd(2, WINDOW_MS)).toBe(true);
    keyed.release('key-1', cold, 2);
  });

  it('never forgets a key that has connections, and forgets idle keys whose window has passed', () => {
    const keyed = new KeyedLogs(1, WINDOW_MS, 2);
    const held = keyed.acquire('held');
    held.tryAdd(0, WINDOW_MS);
    for (let i = 0; i < 10; i++) {
      const log = keyed.acquire(`k${i}`);
      log.tryAdd(0, WINDOW_MS);
      keyed.release(`k${i}`, log, 0);
    }
    expect(keyed.size).toBe(1 + 2);
    expect(keyed.acquire('held')).toBe(held);
    keyed.release('held', held, 0);
    keyed.release('held', held, 0);
    const late = keyed.acquire('late');
    late.tryAdd(WINDOW_MS, WINDOW_MS);
    keyed.release('late', late, WINDOW_MS); // the others' windows have passed by now
    expect(keyed.size).toBe(1);
  });

  it('starts a sliding log small and grows it up to maxMessages', () => {
    const log = new SlidingLog(1_000_000);
    expect(log.allocatedSlots).toBeLessThanOrEqual(4);
    for (let t = 0; t < 100; t++) expect(log.tryAdd(t, WINDOW_MS)).toBe(true);
    expect(log.allocatedSlots).toBe(128);
    const small = new SlidingLog(3);
    for (let t = 0; t < 3; t++) expect(small.tryAdd(t, WINDOW_MS)).toBe(true);
    expect(small.tryAdd(3, WINDOW_MS)).toBe(false);
    expect(small.allocatedSlots).toBe(3);
    expect(small.tryAdd(WINDOW_MS, WINDOW_MS)).toBe(true); // the event at 0 left the window
  });
});
