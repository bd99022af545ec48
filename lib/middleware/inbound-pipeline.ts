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
    private readonly hooks: readonly MessageHook[],
    private readonly hookNames: readonly string[],
    private readonly logger: Logger,
  ) {}

  /** Installs the hooks on a connection: its inbound messages go through them from now on. */
  attach(ws: WebSocketConnection): void {
    let next: MessageNext = (message) => {
      if (ws.state === 'open') ws.deliverMessage(message);
    };
    for (let i = this.hooks.length - 1; i >= 0; i--) next = this.step(ws, i, next);
    ws.inboundFilter = next;
  }

  private step(ws: WebSocketConnection, index: number, after: MessageNext): MessageNext {
    const hook = this.hooks[index];
    const fail = (error: unknown): void => this.fail(ws, index, error);
    return (message) => {
      if (ws.state !== 'open') return;
      try {
        const result = hook.onMessage(ws, message, after);
        if (result !== undefined && typeof result.then === 'function') result.then(undefined, fail);
      } catch (error) {
        fail(error);
      }
    };
  }

  private fail(ws: WebSocketConnection, index: number, error: unknown): void {
    this.logger.error(
      { err: error, path: ws.path, middleware: this.hookNames[index] },
      'middleware onMessage() threw; closing with 1011',
    );
    if (ws.state === 'open') void ws.close(CloseCode.INTERNAL_ERROR, 'internal error');
  }
}
