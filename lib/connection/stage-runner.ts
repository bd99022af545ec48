import type { InboundStage } from './connection-context';
import type { InboundMessage } from './message';

/** What a stage runner needs of its connection. */
export interface StagedConnection {
  readonly isOpen: boolean;
  /** A message passed every stage: hand it to the consumer (or the queue). */
  pass(message: InboundMessage, size: number): void;
  /** An async stage is running: a newly arrived message waits behind it, in the one queue. */
  hold(message: InboundMessage, size: number): void;
  /** The oldest held message, once no stage is pending. */
  takeHeld(): [InboundMessage, number] | undefined;
  stageFailed(stage: string, error: unknown): void;
  stageMisused(stage: string, secondCall: boolean): void;
}

/**
 * One connection's trip through its route's middleware `onMessage()` stages. One message is in the
 * stages at a time: while a stage's promise is pending, later messages are held, and go through,
 * in order, once none is; so no message overtakes another. Built on the connection's first
 * message, once: a message then allocates nothing.
 */
export class StageRunner<C> {
  private pending = 0;
  private readonly entries: ((message: InboundMessage, size: number) => void)[];

  constructor(
    private readonly conn: C & StagedConnection,
    stages: readonly InboundStage<C>[],
  ) {
    let next = (message: InboundMessage, size: number): void => {
      if (conn.isOpen) conn.pass(message, size);
    };
    this.entries = new Array(stages.length);
    for (let i = stages.length - 1; i >= 0; i--) this.entries[i] = next = this.step(stages[i], next);
  }

  run(message: InboundMessage, size: number): void {
    if (this.pending === 0) this.entries[0](message, size);
    else this.conn.hold(message, size);
  }

  private step(stage: InboundStage<C>, after: (message: InboundMessage, size: number) => void) {
    const conn = this.conn;
    // One message at a time reaches a stage, so these describe the current one.
    let active = false;
    let passed = false;
    let warned = false; // a misused next() is logged once per connection
    let original: InboundMessage = '';
    let originalSize = 0;
    const pass = (message: InboundMessage): void => {
      if (!active || passed) {
        if (!warned) conn.stageMisused(stage.name, active);
        warned = true;
        return;
      }
      passed = true;
      after(message, message === original ? originalSize : sizeOf(message));
    };
    const done = (): void => {
      active = false;
      original = ''; // not kept alive until the next message
    };
    const settled = (): void => {
      done();
      this.release();
    };
    const failed = (error: unknown): void => {
      done();
      conn.stageFailed(stage.name, error);
      this.release();
    };
    return (message: InboundMessage, size: number): void => {
      if (!conn.isOpen) return;
      active = true;
      passed = false;
      original = message;
      originalSize = size;
      let result: void | PromiseLike<void>;
      try {
        result = stage.onMessage(conn, message, pass);
      } catch (error) {
        done();
        conn.stageFailed(stage.name, error);
        return;
      }
      if (result !== undefined && result !== null && typeof result.then === 'function') {
        this.pending++;
        result.then(settled, failed);
      } else {
        done();
      }
    };
  }

  /** A stage's promise settled: once none is pending, the held messages go through, in order. */
  private release(): void {
    this.pending--;
    while (this.pending === 0 && this.conn.isOpen) {
      const held = this.conn.takeHeld();
      if (held === undefined) return;
      this.entries[0](held[0], held[1]);
    }
  }
}

function sizeOf(message: InboundMessage): number {
  return typeof message === 'string' ? Buffer.byteLength(message) : message.length;
}
