import { QueueFullError } from './client-errors.js';

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

/**
 * One `for await` loop over the pushes: a bounded buffer between the socket and the loop. A loop
 * that falls `max` pushes behind fails with `QueueFullError` once it has read what it got, rather
 * than buffering without end or losing pushes silently.
 */
export class PushStream<T> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private head = 0;
  private waiter: Waiter<T> | null = null;
  private ended = false;
  private failure: Error | null = null;

  constructor(
    private readonly max: number,
    private readonly detach: (stream: PushStream<T>) => void,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiter !== null) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.buffer.length - this.head >= this.max) {
      this.end(new QueueFullError(`a for-await loop over the pushes fell ${this.max} messages behind (maxBufferedPushes); it stops here`));
      return;
    }
    this.buffer.push(item);
  }

  /** No more pushes: the loop reads what is buffered, then ends (or throws `error`). */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error ?? null;
    this.detach(this);
    if (this.waiter !== null) {
      const waiter = this.waiter;
      this.waiter = null;
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head++];
      if (this.head > 64 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      const failure = this.failure;
      this.failure = null; // thrown once; then the iterator is simply done
      return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** `break` out of the loop: stop buffering. */
  return(): Promise<IteratorResult<T>> {
    this.end();
    this.buffer = [];
    this.head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
