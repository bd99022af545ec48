import { CloseCode } from '../errors';
import type { Logger } from '../logger';
import type { InboundMessage, WebSocketConnection } from '../connection/web-socket-connection';
import type { MessageNext } from './web-socket-middleware';

/** A middleware with an `onMessage` hook. */
export interface MessageHook {
  onMessage(ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void | Promise<void>;
}

/**
 * The `onMessage` hooks of one route, in chain order, built once at boot. Each connection gets
 * its own chain of `next` functions once, when it starts, so a message allocates nothing.
 */
export class InboundPipeline {
  constructor(
    readonly hooks: readonly MessageHook[],
    readonly hookNames: readonly string[],
    readonly logger: Logger,
  ) {}

  /** Installs the hooks on a connection: its inbound messages go through them from now on. */
  attach(ws: WebSocketConnection): void {
    ws.inboundFilter = new ConnectionPipeline(this, ws).entry;
  }
}

/**
 * One connection's hooks. A hook may be async: while any hook's promise is pending, later
 * messages wait here and go through, in order, once none is; so no message overtakes another.
 */
class ConnectionPipeline {
  readonly entry: MessageNext;
  private readonly first: MessageNext;
  /** Hook promises not settled yet. */
  private pending = 0;
  /** Messages waiting for them, oldest first; allocated when a message first has to wait. */
  private held: InboundMessage[] | null = null;

  constructor(
    private readonly pipeline: InboundPipeline,
    private readonly ws: WebSocketConnection,
  ) {
    let next: MessageNext = (message) => {
      if (ws.state === 'open') ws.deliverMessage(message);
    };
    for (let i = pipeline.hooks.length - 1; i >= 0; i--) next = this.step(i, next);
    this.first = next;
    this.entry = (message) => {
      if (this.pending === 0) this.first(message);
      else this.hold(message);
    };
  }

  private step(index: number, after: MessageNext): MessageNext {
    const { ws } = this;
    const hook = this.pipeline.hooks[index];
    // One message at a time reaches a hook (later ones wait while it is async), so these flags
    // describe the current one. Not per message: a message allocates nothing.
    let active = false;
    let passed = false;
    let warned = false;
    const pass: MessageNext = (message) => {
      if (active && !passed) {
        passed = true;
        after(message);
        return;
      }
      if (warned) return;
      warned = true;
      this.pipeline.logger.warn(
        { path: ws.path, middleware: this.pipeline.hookNames[index] },
        active
          ? 'middleware onMessage() called next() twice for one message; delivered once (logged once per connection)'
          : 'middleware onMessage() called next() after it had returned; the message is dropped. ' +
              'Return a promise from onMessage() and call next() before it settles (logged once per connection)',
      );
    };
    const settled = (): void => {
      active = false;
      this.release();
    };
    const failed = (error: unknown): void => {
      active = false;
      this.fail(index, error);
      this.release();
    };
    return (message) => {
      if (ws.state !== 'open') return;
      active = true;
      passed = false;
      let result: void | Promise<void>;
      try {
        result = hook.onMessage(ws, message, pass);
      } catch (error) {
        active = false;
        this.fail(index, error);
        return;
      }
      if (result !== undefined && result !== null && typeof result.then === 'function') {
        this.pending++;
        result.then(settled, failed);
      } else {
        active = false;
      }
    };
  }

  private hold(message: InboundMessage): void {
    const { ws } = this;
    const held = (this.held ??= []);
    const limit = ws.settings.maxQueuedMessages;
    if (held.length >= limit) {
      this.pipeline.logger.warn(
        { path: ws.path, queued: held.length, limit },
        'inbound message queue overflow: an async onMessage() hook is not keeping up; closing with 1008',
      );
      void ws.close(CloseCode.POLICY_VIOLATION, 'message queue overflow');
      return;
    }
    held.push(message);
  }

  /** A hook's promise settled: once none is pending, the waiting messages go through, in order. */
  private release(): void {
    this.pending--;
    const held = this.held;
    while (this.pending === 0 && held !== null && held.length > 0 && this.ws.state === 'open') {
      this.first(held.shift() as InboundMessage);
    }
  }

  private fail(index: number, error: unknown): void {
    const { ws } = this;
    this.pipeline.logger.error(
      { err: error, path: ws.path, middleware: this.pipeline.hookNames[index] },
      'middleware onMessage() threw; closing with 1011',
    );
    if (ws.state === 'open') void ws.close(CloseCode.INTERNAL_ERROR, 'internal error');
  }
}
