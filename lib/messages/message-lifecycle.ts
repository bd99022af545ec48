import type { CloseListener, CloseInfo, HandlerFinish } from '../connection/connection-core';
import { isThenable, refuseUnaccepted } from '../connection/connection-runner';
import type { WebSocketConnection } from '../connection/web-socket-connection';
import type { Invoker } from '../routing/param-resolvers';
import type { MessageDispatcher } from './message-dispatcher';

/**
 * The connections of a message gateway: `@OnConnect` first (it must `accept()`, or refuse;
 * returning without either answers HTTP 403, as in every gateway); without `@OnConnect` ProAPI
 * accepts. Then messages are dispatched until the socket closes; the dispatch still running, if
 * any, finishes; and `@OnDisconnect(code, reason)` runs exactly once for every connection that
 * was open. `app.close()` waits for all of it. An idle connection holds no suspended function:
 * the close reaches {@link closed} through the connection.
 */
export class MessageLifecycle implements CloseListener<WebSocketConnection> {
  constructor(
    private readonly dispatcher: MessageDispatcher,
    private readonly onConnect: Invoker | undefined,
    private readonly onDisconnect: Invoker | undefined,
    private readonly connectName: string,
    private readonly disconnectName: string,
  ) {}

  /** Runs one connection; `finish` once `@OnDisconnect` is done (or the upgrade was refused). */
  readonly run = (ws: WebSocketConnection, finish: HandlerFinish): void => {
    if (this.onConnect === undefined) {
      void ws.accept();
      this.connected(ws, finish);
      return;
    }
    let result: unknown;
    try {
      result = this.onConnect(ws);
    } catch (error) {
      this.connectFailed(ws, error, finish);
      return;
    }
    if (!isThenable(result)) {
      this.connected(ws, finish);
      return;
    }
    result.then(
      () => this.connected(ws, finish),
      (error: unknown) => this.connectFailed(ws, error, finish),
    );
  };

  closed(ws: WebSocketConnection, info: CloseInfo, finish: HandlerFinish): void {
    // No message is dispatched once closed, so the last dispatch is the only one that can still
    // run. It answered or logged its own failure.
    const dispatching = ws.dispatching;
    if (dispatching === null) this.disconnect(ws, info, finish);
    else void dispatching.then(
      () => this.disconnect(ws, info, finish),
      () => this.disconnect(ws, info, finish),
    );
  }

  private connected(ws: WebSocketConnection, finish: HandlerFinish): void {
    if (ws.state === 'connecting') refuseUnaccepted(ws, this.connectName);
    if (!ws.wasOpened) {
      finish(false, undefined); // refused, or the client left before the upgrade
      return;
    }
    ws.releaseSink();
    ws.onceClosed(this, finish);
  }

  private connectFailed(ws: WebSocketConnection, error: unknown, finish: HandlerFinish): void {
    // Before the upgrade: the error's HTTP status. After accept(): a WsException is sent as its
    // error frame and the connection stays, as in @OnMessage handlers; anything else closes it.
    void ws.route.app.answerError(ws, error, {
      stage: 'connect',
      where: this.connectName,
      reply: (answer) => this.dispatcher.replyWithError(ws, undefined, answer, error),
    });
    if (ws.state === 'connecting') ws.deny(403, 'connection refused'); // an onError hook took it and left it pending
    this.connected(ws, finish);
  }

  private disconnect(ws: WebSocketConnection, info: CloseInfo, finish: HandlerFinish): void {
    const onDisconnect = this.onDisconnect;
    if (onDisconnect === undefined) return finish(false, undefined);
    const failed = (error: unknown): void => {
      void ws.route.app.answerError(ws, error, { stage: 'disconnect', where: this.disconnectName });
      finish(true, error);
    };
    let result: unknown;
    try {
      result = onDisconnect(ws, info);
    } catch (error) {
      return failed(error);
    }
    if (isThenable(result)) result.then(() => finish(false, undefined), failed);
    else finish(false, undefined);
  }
}
