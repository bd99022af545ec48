import type { InboundMessage, WebSocketConnection } from '../connection/web-socket-connection';
import { silentLogger, type Logger } from '../logger';
import type { MiddlewareDescription } from './middleware-description';

/** The logger a middleware writes to: pino, the app's logger, or any object with these three methods. */
export type MiddlewareLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Runs the rest of the chain and then the handler. Resolves (or rejects) with the handler's
 * outcome once the connection is over; rejects with `WebSocketDisconnect` if the client went away
 * before the handler could run. Call it at most once, and await (or return) what it returns.
 */
export type MiddlewareNext = (ws?: WebSocketConnection<object>) => Promise<unknown>;

/**
 * Passes an inbound message on to the next message hook and finally to the handler's receive.
 * Not calling it drops the message. Pass the message itself to keep it, or a replacement.
 */
export type MessageNext = (message: InboundMessage) => void;

/**
 * A middleware as a plain function: code before `await next()` runs before the upgrade.
 * Declare the connection with your own userData type, e.g.
 * `(ws: WebSocketConnection<{ user?: User }>, next) => ...`: it fits every middleware list.
 */
// A method signature, looked up as a function type, compares its parameters bivariantly: a
// function taking WebSocketConnection<{ user?: User }> is then a MiddlewareFunction.
export type MiddlewareFunction<TUserData extends object = Record<string, unknown>> = {
  middleware(ws: WebSocketConnection<TUserData>, next: MiddlewareNext): unknown;
}['middleware'];

/**
 * Base class of connection middleware. `handle()` runs before the route handler (so before the
 * upgrade): refuse with `ws.deny(status)` or `ws.close()`, or call `next()` to go on. Code after
 * `await next()` runs once the connection is over. Define `onMessage()` to see every inbound
 * message before the handler does; routes whose middleware define none pay nothing per message.
 * @typeParam TUserData - the userData the middleware reads or writes, e.g. `{ user?: User }`.
 * @example
 * class Timing extends WebSocketMiddleware {
 *   async handle(ws: WebSocketConnection, next: MiddlewareNext) {
 *     const started = Date.now();
 *     try { return await next(); } finally { console.log(ws.path, Date.now() - started, 'ms'); }
 *   }
 * }
 * app.use(new Timing());
 */
export abstract class WebSocketMiddleware<TUserData extends object = Record<string, unknown>> {
  /** The `logger` option where a middleware takes one, else the app's logger (set at boot). */
  protected logger: MiddlewareLogger = silentLogger;
  private hasOwnLogger = false;

  abstract handle(ws: WebSocketConnection<TUserData>, next: MiddlewareNext): unknown;

  /**
   * Optional per-message hook, called for every inbound message before the handler sees it:
   * call `next(message)` to pass it on, `next(other)` to replace it, nothing to drop it, or close
   * the connection. It may be async: while the promise it returns is pending, the connection's
   * later messages wait (in order, bounded by `maxQueuedMessages`), so no message overtakes
   * another. Call `next` once, before the hook returns or its promise settles; a second or a
   * late call is ignored and logged. An error thrown (or a rejected promise) closes with 1011.
   */
  onMessage?(ws: WebSocketConnection<TUserData>, message: InboundMessage, next: MessageNext): void | Promise<void>;

  /**
   * Optional observer of what the connection sends: called after every frame handed to its socket
   * (`room` undefined) and once for each room message it publishes (`room` set), whatever the
   * number of receivers. It cannot change or stop what is sent. Routes whose middleware define
   * none pay nothing per send.
   * @example
   * override onSend(ws: WebSocketConnection, data: string | Uint8Array | ArrayBuffer) {
   *   bytesOut.inc(typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);
   * }
   */
  onSend?(ws: WebSocketConnection<TUserData>, data: string | Uint8Array | ArrayBuffer, isBinary: boolean, room: string | undefined): void;

  /**
   * Optional: what this middleware tells `app.describe()` about itself, e.g. how it authenticates
   * (`{ security }`), so API documents can list it.
   */
  describe?(): MiddlewareDescription;

  /** For subclasses whose options include a logger. */
  protected useLogger(logger: MiddlewareLogger | undefined): void {
    if (!logger) return;
    this.logger = logger;
    this.hasOwnLogger = true;
  }

  /** @internal Called at boot with the app's logger. */
  attachAppLogger(logger: Logger): void {
    if (!this.hasOwnLogger) this.logger = logger;
  }
}

/**
 * A middleware class; the app builds one instance. Its constructor may take arguments when the
 * app has a container to supply them; without one it must take none.
 */
export type MiddlewareClass = new (...args: never[]) => WebSocketMiddleware<object>;

/**
 * What the middleware lists accept: an instance, a class to instantiate, or a function. Each may
 * declare its own userData type.
 */
export type Middleware = WebSocketMiddleware<object> | MiddlewareClass | MiddlewareFunction;
