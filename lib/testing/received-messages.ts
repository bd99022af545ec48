import type { CloseInfo } from '../connection/web-socket-connection';
import { ConnectionClosedError, TestTimeoutError, UnexpectedMessageError } from './testing.errors';

export type Received = string | Buffer;

/** What a `receive*()` asks for: any message, or one of a kind. */
export type Expected = 'message' | 'text' | 'json' | 'bytes';

const AWAITED: Record<Expected, string> = {
  message: 'a message',
  text: 'a text message',
  json: 'a JSON message',
  bytes: 'a binary message',
};

interface Waiter {
  readonly expected: Expected;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/** A pending `expectNoMessage()`: fails as soon as a message arrives. */
interface Watcher {
  readonly awaited: string;
  fail(error: Error): void;
}

/**
 * The messages one test connection received and nobody took yet, the `receive*()` calls waiting
 * for one, and the `expectNoMessage()` windows watching for one.
 */
export class ReceivedMessages {
  private readonly queue: Received[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly watchers = new Set<Watcher>();
  private closeInfo: CloseInfo | null = null;

  constructor(private readonly path: string) {}

  /** A copy of the messages received and not yet taken, oldest first. */
  snapshot(): Received[] {
    return [...this.queue];
  }

  take(expected: Expected, timeout: number): Promise<unknown> {
    if (this.queue.length > 0) {
      try {
        return Promise.resolve(this.convert(expected, this.queue.shift()!));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.closeInfo) return Promise.reject(this.closedWhileWaiting(expected));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        expected,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new TestTimeoutError(`${AWAITED[expected]} on ${this.path}`, timeout));
        }, timeout),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Resolves once `within` ms pass with no message; rejects at once with `UnexpectedMessageError`
   * if one is already queued or arrives meanwhile. The message stays queued for a `receive*()`.
   */
  expectNone(within: number): Promise<void> {
    const awaited = `no message within ${within} ms on ${this.path}`;
    if (this.queue.length > 0) return Promise.reject(new UnexpectedMessageError(awaited, this.queue[0]));
    return new Promise((resolve, reject) => {
      const watcher: Watcher = {
        awaited,
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      // Waiting out the window is the point here: silence cannot be awaited as an event.
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        resolve();
      }, within);
      this.watchers.add(watcher);
    });
  }

  push(message: Received): void {
    for (const watcher of this.watchers) watcher.fail(new UnexpectedMessageError(watcher.awaited, message));
    this.watchers.clear();
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.queue.push(message);
      return;
    }
    clearTimeout(waiter.timer);
    try {
      waiter.resolve(this.convert(waiter.expected, message));
    } catch (error) {
      waiter.reject(error);
    }
  }

  /** The connection closed: pending receives reject; queued messages stay readable. */
  close(info: CloseInfo): void {
    this.closeInfo = info;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.closedWhileWaiting(waiter.expected));
    }
  }

  private convert(expected: Expected, message: Received): unknown {
    const awaited = `${AWAITED[expected]} on ${this.path}`;
    if (expected === 'message') return message;
    if (expected === 'bytes') {
      if (typeof message === 'string') throw new UnexpectedMessageError(awaited, message);
      return message;
    }
    if (typeof message !== 'string') throw new UnexpectedMessageError(awaited, message);
    if (expected === 'text') return message;
    try {
      return JSON.parse(message) as unknown;
    } catch (error) {
      throw new UnexpectedMessageError(awaited, message, ` (not valid JSON: ${(error as Error).message})`);
    }
  }

  private closedWhileWaiting(expected: Expected): ConnectionClosedError {
    const { code, reason } = this.closeInfo!;
    return new ConnectionClosedError(this.path, code, reason, `while waiting for ${AWAITED[expected]}`);
  }
}
