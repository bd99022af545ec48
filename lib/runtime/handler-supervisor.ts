import type { Logger } from '../logger';

/**
 * Counts connection handlers still running, so `app.close()` can wait for them (and for
 * `@OnDisconnect`) after closing their sockets. Counted rather than kept in a set: per connection
 * that saves a set entry and a closure, and idle connections are what a server has most of.
 */
export class HandlerSupervisor {
  private running = 0;
  private idle: (() => void) | null = null;

  readonly started = (): void => {
    this.running++;
  };

  /** Shared by every connection: a handler calls it once when it is over. */
  readonly finished = (): void => {
    if (--this.running === 0) this.idle?.();
  };

  /**
   * Resolves once no handler runs, or at `deadline` (performance.now()) with a warning naming how
   * many still do; `timeoutMs` is the shutdown timeout the deadline came from, for that warning.
   */
  async whenIdle(deadline: number, timeoutMs: number, logger: Logger): Promise<void> {
    if (this.running === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - performance.now()));
    });
    const idle = new Promise<'idle'>((resolve) => (this.idle = () => resolve('idle')));
    const outcome = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    this.idle = null;
    if (outcome === 'timeout') {
      logger.warn({ handlers: this.running, timeoutMs }, 'close(): some handlers did not finish after their sockets were closed');
    }
  }
}
