import type { InboundStage, SendObserver } from '../connection/connection-context';
import type { HandlerFinish } from '../connection/connection-core';
import type { InboundMessage, Payload } from '../connection/message';
import { quietly, rejected } from '../connection/rejected';
import type { WebSocketConnection } from '../connection/web-socket-connection';
import { CloseCode, MiddlewareError, WebSocketDisconnect } from '../errors';
import type { Route } from '../routing/route';
import { resolveMiddleware, type MiddlewareInstantiator, type ResolvedMiddleware } from './resolve-middleware';
import type { Middleware, MiddlewareNext } from './web-socket-middleware';
import type { Logger } from '../logger';

/**
 * Compiles a route's middleware chain (global, class, method, in that order) once at boot: its
 * `handle()` steps wrap the route's handler, its `onMessage()` hooks become the route's inbound
 * stages and its `onSend()` hooks its send observers. A route without middleware is returned as
 * it is: its handler runs bare.
 */
export function composeRoute(route: Route, chain: readonly Middleware[], instantiate: MiddlewareInstantiator, logger: Logger): Route {
  if (chain.length === 0) return route;
  const steps = chain.map((middleware) => resolveMiddleware(middleware, instantiate, logger));
  const compiled: CompiledChain = { route, steps };
  return {
    ...route,
    middlewares: chain,
    stages: steps.flatMap((step) => (step.instance?.onMessage ? [messageStage(step)] : [])),
    observers: steps.flatMap((step) => (step.instance?.onSend ? [sendObserver(step)] : [])),
    run: function runMiddlewareChain(ws: WebSocketConnection, finish: HandlerFinish) {
      void new ChainRun(compiled, ws).run().then(() => finish(false, undefined));
    },
  };
}

function messageStage(step: ResolvedMiddleware): InboundStage<WebSocketConnection> {
  const instance = step.instance!;
  return {
    name: step.name,
    onMessage: (ws: WebSocketConnection, message: InboundMessage, next: (message: InboundMessage) => void) =>
      instance.onMessage!(ws, message, next),
  };
}

function sendObserver(step: ResolvedMiddleware): SendObserver<WebSocketConnection> {
  const instance = step.instance!;
  return {
    onSend: (ws: WebSocketConnection, data: Payload, isBinary: boolean, room: string | undefined) =>
      instance.onSend!(ws, data, isBinary, room),
  };
}

interface CompiledChain {
  /** The route as declared: its `run` is the bare handler. */
  readonly route: Route;
  readonly steps: readonly ResolvedMiddleware[];
}

const NO_ERROR: unique symbol = Symbol('no error');
const LATE: Promise<undefined> = Promise.resolve(undefined);

/**
 * One connection's trip through the chain (koa's `dispatch(i)`). `run()` never rejects: it
 * answers every way the chain can end, so the app only finds a settled connection. Neither does
 * anything it hands to a middleware reject unhandled: a middleware that calls `next()` without
 * awaiting it must not take the process down with an unhandled rejection.
 */
class ChainRun {
  /** The deepest step entered; `next()` may only move past it. */
  private index = -1;
  /** A middleware returned without calling next(): the chain ended there. */
  private ended = false;
  private handlerDone: Promise<unknown> | null = null;
  private handlerError: unknown = NO_ERROR;
  /** The innermost middleware that threw. */
  private thrower = -1;

  constructor(
    private readonly chain: CompiledChain,
    private readonly ws: WebSocketConnection,
  ) {}

  async run(): Promise<void> {
    let failure: unknown = NO_ERROR;
    try {
      await this.dispatch(0, this.ws);
    } catch (error) {
      failure = error;
    }
    // A middleware that called next() without awaiting it must not end the connection early.
    if (this.handlerDone !== null) await this.handlerDone.catch(() => undefined);
    if (failure !== NO_ERROR && failure !== this.handlerError) this.reportFailure(failure);
  }

  private dispatch(index: number, ws: WebSocketConnection): Promise<unknown> {
    if (index <= this.index) {
      const name = this.chain.steps[index - 1].name;
      return rejected(new MiddlewareError(`next() was called more than once in middleware ${name}; call it once and await it`));
    }
    if (this.ended) return this.lateNext(index - 1);
    this.index = index;
    // Every step may have awaited: the client may have gone, or a middleware refused and still called next().
    if (ws.closed) return rejected(new WebSocketDisconnect(ws.closeCode ?? CloseCode.ABNORMAL, ws.closeReason ?? ''));
    if (index === this.chain.steps.length) return (this.handlerDone = quietly(this.runHandler(ws)));
    return quietly(this.invoke(index, ws));
  }

  private async invoke(index: number, ws: WebSocketConnection): Promise<unknown> {
    try {
      const next: MiddlewareNext = (nextWs) => this.dispatch(index + 1, (nextWs ?? ws) as WebSocketConnection);
      const result = await this.chain.steps[index].handle(ws, next);
      if (this.index === index) {
        this.ended = true;
        // Refuse at once, so the middleware around this one see the connection closed.
        if (ws.state === 'connecting') this.refuse(index);
      }
      return result;
    } catch (error) {
      if (this.thrower === -1 && error !== this.handlerError) this.thrower = index;
      throw error;
    }
  }

  /** Runs the handler, which answers its own outcome, so code after `next()` sees the connection closed. */
  private runHandler(ws: WebSocketConnection): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.chain.route.run(ws, (failed, outcome) => {
        if (!failed) return resolve(outcome);
        this.handlerError = outcome;
        reject(outcome);
      });
    });
  }

  private reportFailure(error: unknown): void {
    const middleware = this.chain.steps[Math.max(this.thrower, 0)].name;
    void this.ws.route.app.answerError(this.ws, error, { stage: 'middleware', where: middleware });
  }

  /**
   * next() from a middleware that has already returned without it (e.g. `void check().then(() => next())`):
   * the chain ended then. Resolving, not rejecting, keeps the caller's own promise chain from
   * rejecting unhandled; the handler never runs.
   */
  private lateNext(index: number): Promise<undefined> {
    const { ws, chain } = this;
    const middleware = chain.steps[index].name;
    ws.route.app.settings.logger.warn(
      { path: ws.path, route: chain.route.path, middleware },
      `middleware ${middleware} called next() after it had returned; the chain had already ended, so the handler ` +
        'does not run. Await next() (or return its promise) instead',
    );
    return LATE;
  }

  private refuse(index: number): void {
    const { ws, chain } = this;
    const middleware = chain.steps[index].name;
    ws.route.app.settings.logger.warn(
      { path: ws.path, route: chain.route.path, middleware },
      `middleware ${middleware} returned without calling next() or deny(); answered HTTP 403`,
    );
    ws.deny(403, 'connection refused');
  }
}
