import { CloseCode, WebSocketDisconnect } from '../errors';
import type { CloseInfo, ConnectionState } from './close-info';
import { ConnectionExtras } from './connection-extras';
import type { RouteContext } from './connection-context';
import { InboundQueue, ReceiveKind } from './inbound-queue';
import { overflows } from './queue-overflow';
import { DrainWaiters } from './outbound';
import type { Handshake, SocketHandle } from './peer';
import type { InboundMessage } from './message';
import { convert, settle } from './receive-conversion';
import { rejected } from './rejected';
import type { RequestInfo } from './request-info';
import { notAcceptedError } from './room-operations';
import { StageRunner } from './stage-runner';

export type { CloseInfo, ConnectionState };

/** How a connection's handler ended: `failed` with the error as `outcome`, or with its return value. */
export type HandlerFinish = (failed: boolean, outcome: unknown) => void;

/** Told once when a connection closes; shared by the connections of a route (no closure per connection). */
export interface CloseListener<C> {
  closed(conn: C, info: CloseInfo, finish: HandlerFinish): void;
}

const NORMAL_CLOSE_CODES = new Set<number>([CloseCode.NORMAL, CloseCode.GOING_AWAY, CloseCode.NO_STATUS]);
const ITERATION_DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * A connection's state machine, and the peer the transport talks to: it takes the socket's
 * events, passes inbound messages through the route's pipeline (middleware stages, then a waiting
 * receive, the route's sink, or the one bounded queue), and settles receives and sends at the
 * close. The public API is its subclass {@link WebSocketConnection}; every member here is internal.
 * @typeParam C - the public connection type the route's stages and sink take.
 */
export abstract class ConnectionCore<C> {
  /** @internal */ protected connectionState: ConnectionState = 'connecting';
  /** @internal */ protected socket: SocketHandle | null = null;
  /** @internal */ protected handshake: Handshake | null;
  /** @internal */ protected closeInfo: CloseInfo | null = null;
  // Allocated on first use: most connections never queue, wait for drain, or wait for close.
  /** @internal */ protected inbound: InboundQueue | null = null;
  /** @internal */ protected extras: ConnectionExtras<C> | null = null;
  /** @internal The route's sink is busy with a message, or not released yet: messages queue. */
  private sinkHeld = true;
  /** @internal */ private openedOnce = false;
  /** @internal */ private closeListener: CloseListener<C> | null = null;
  /** @internal */ private closeFinish: HandlerFinish | null = null;

  /** @internal */
  protected constructor(
    /** @internal */ readonly route: RouteContext<C>,
    /** @internal */ protected readonly request: RequestInfo,
    handshake: Handshake,
  ) {
    this.handshake = handshake;
  }

  /** @internal */
  protected get more(): ConnectionExtras<C> {
    return (this.extras ??= new ConnectionExtras<C>());
  }

  /** @internal The open socket; null before accept() and once closed. */
  get openSocket(): SocketHandle | null {
    return this.socket;
  }

  /** @internal */
  get isOpen(): boolean {
    return this.connectionState === 'open';
  }

  /** @internal Whether the upgrade completed at some point (the connection may be closed by now). */
  get wasOpened(): boolean {
    return this.openedOnce;
  }

  /** @internal The transport completed the upgrade. */
  onOpen(socket: SocketHandle): void {
    this.socket = socket;
    this.connectionState = 'open';
    this.openedOnce = true;
    const { stats, probe } = this.route.app;
    stats.open++;
    stats.opened++;
    if (probe.connectionOpened !== null) probe.connectionOpened(this.route.path);
  }

  /** @internal A message arrived: through the stages, then to the consumer. */
  onMessage(message: InboundMessage, bytes: number): void {
    const { route } = this;
    const { stats, probe } = route.app;
    stats.messagesIn++;
    stats.bytesIn += bytes;
    if (probe.messageIn !== null) probe.messageIn(route.path, bytes);
    if (route.stages.length === 0) this.pass(message, bytes);
    else (this.more.stageRunner ??= new StageRunner<C>(this as unknown as C & this, route.stages)).run(message, bytes);
  }

  /** @internal */
  onDrain(): void {
    const waiters = this.extras?.drainWaiters ?? null;
    if (waiters === null || waiters.isEmpty || this.socket === null) return;
    const { transport, settings } = this.route.app;
    if (transport.bufferedAmount(this.socket) <= settings.sendHighWaterMark) waiters.release();
  }

  /** @internal The socket closed (either side), or the upgrade ended without one. */
  onClose(code: number, reason: string): void {
    this.handshake = null;
    this.markClosed({ code, reason });
  }

  /** @internal A message passed every stage: a waiting receive takes it, else the sink, else the queue. */
  pass(message: InboundMessage, size: number): void {
    const inbound = this.inbound;
    if (inbound !== null && inbound.hasWaiter()) {
      settle(inbound.takeWaiter(), message, this.route.app.settings);
      return;
    }
    // Not held and nothing ready in the queue: deliver at once, inside the transport's callback.
    if (this.route.sink !== null && !this.sinkHeld && (inbound === null || inbound.passed === 0)) {
      this.dispatch(message);
      return;
    }
    const queue = (this.inbound ??= new InboundQueue());
    if (overflows(this.route, this.socket, this.request.path, queue, size)) return;
    queue.addReady(message, size);
  }

  /** @internal An async stage is running: the message waits behind it, in the same bounded queue. */
  hold(message: InboundMessage, size: number): void {
    const queue = (this.inbound ??= new InboundQueue());
    if (overflows(this.route, this.socket, this.request.path, queue, size)) return;
    queue.addWaiting(message, size);
  }

  /** @internal */
  takeHeld(): [InboundMessage, number] | undefined {
    return this.inbound?.takeWaiting();
  }

  /** @internal */
  stageFailed(stage: string, error: unknown): void {
    void this.route.app.answerError(this as unknown as C, error, { stage: 'middleware', where: stage });
  }

  /** @internal */
  stageMisused(stage: string, secondCall: boolean): void {
    this.route.app.settings.logger.warn(
      { path: this.request.path, middleware: stage },
      secondCall
        ? 'middleware onMessage() called next() twice for one message; delivered once (logged once per connection)'
        : 'middleware onMessage() called next() after it had returned; the message is dropped. ' +
            'Return a promise from onMessage() and call next() before it settles (logged once per connection)',
    );
  }

  /**
   * @internal Lets the route's sink take messages: the queued ones first, in order. Until then
   * (while `@OnConnect` runs) they wait in the queue; `receive*()` calls still come first.
   */
  releaseSink(): void {
    this.sinkHeld = false;
    if (this.extras !== null) this.extras.inFlight = null;
    const queue = this.inbound;
    while (queue !== null && queue.passed > 0 && !this.sinkHeld && this.connectionState === 'open') {
      this.dispatch(queue.takeReady());
    }
  }

  /** Resolves with the close code and reason once the connection is closed, however that happens. */
  waitForClose(): Promise<CloseInfo> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) => (this.more.closeWaiters ??= []).push(resolve));
  }

  /**
   * @internal Calls `listener.closed(this, info, finish)` once the connection has closed (at once if
   * it has): message gateways end their handler there, with no suspended function per connection.
   */
  onceClosed(listener: CloseListener<C>, finish: HandlerFinish): void {
    if (this.closeInfo !== null) {
      listener.closed(this as unknown as C, this.closeInfo, finish);
      return;
    }
    this.closeListener = listener;
    this.closeFinish = finish;
  }

  /** @internal Messages wait in the queue: `app.close()` lets the handler take them before closing. */
  get hasQueuedMessages(): boolean {
    return this.inbound !== null && this.inbound.length > 0;
  }

  /** @internal The sink's dispatch that is still running (it answered or logged its own failure), if any. */
  get dispatching(): Promise<unknown> | null {
    return this.extras?.inFlight ?? null;
  }

  /** @internal */
  protected take(kind: ReceiveKind, timeout: number | undefined): Promise<unknown> {
    const queue = this.inbound;
    if (queue !== null && queue.passed > 0) {
      try {
        return Promise.resolve(convert(kind, queue.takeReady(), this.route.app.settings));
      } catch (error) {
        return rejected(error);
      }
    }
    if (this.connectionState !== 'open') {
      if (kind === ReceiveKind.ITERATE && this.closedNormally()) return Promise.resolve(ITERATION_DONE);
      return rejected(this.notOpenError('receive'));
    }
    return (this.inbound ??= new InboundQueue()).wait(kind, timeout);
  }

  /** @internal A send was buffered above the high-water mark: resolves once the socket drains. */
  awaitDrain(): Promise<void> {
    return (this.more.drainWaiters ??= new DrainWaiters()).wait();
  }

  /** @internal */
  notOpenError(action: string): Error {
    return this.connectionState === 'connecting' ? notAcceptedError(action) : this.disconnectError();
  }

  /** @internal */
  protected disconnectError(): WebSocketDisconnect {
    const info = this.closeInfo ?? { code: CloseCode.ABNORMAL, reason: '' };
    return new WebSocketDisconnect(info.code, info.reason);
  }

  /** @internal */
  protected markClosed(info: CloseInfo): void {
    if (this.connectionState === 'closed') return;
    const wasOpen = this.connectionState === 'open';
    this.connectionState = 'closed';
    this.socket = null;
    this.closeInfo = info;
    if (wasOpen) {
      const { stats, probe } = this.route.app;
      stats.connectionClosed(info.code);
      if (probe.connectionClosed !== null) probe.connectionClosed(this.route.path, info.code);
    }
    // An Error captures a stack: build it only for a receive or a send that gets it (a `for await`
    // loop that ends with a normal close does not).
    let error: WebSocketDisconnect | null = null;
    const disconnect = (): WebSocketDisconnect => (error ??= this.disconnectError());
    for (const waiter of this.inbound?.takeAllWaiters() ?? []) {
      if (waiter.kind === ReceiveKind.ITERATE && this.closedNormally()) waiter.resolve(ITERATION_DONE);
      else waiter.reject(disconnect());
    }
    const extras = this.extras;
    if (extras !== null) {
      extras.drainWaiters?.rejectAll(disconnect);
      const closeWaiters = extras.closeWaiters;
      extras.closeWaiters = null;
      if (closeWaiters) for (const resolve of closeWaiters) resolve(info);
    }
    const listener = this.closeListener;
    if (listener !== null) {
      this.closeListener = null;
      listener.closed(this as unknown as C, info, this.closeFinish as HandlerFinish);
      this.closeFinish = null;
    }
  }

  /** @internal Closed with 1000, 1001 or 1005: the end of a `for await` loop rather than an error. */
  private closedNormally(): boolean {
    return this.closeInfo !== null && NORMAL_CLOSE_CODES.has(this.closeInfo.code);
  }

  /** @internal */
  private dispatch(message: InboundMessage): void {
    let pending: Promise<unknown> | undefined;
    try {
      pending = (this.route.sink as NonNullable<RouteContext<C>['sink']>).onMessage(this as unknown as C, message);
    } catch (error) {
      this.sinkFailed(error); // sinks answer every failure themselves: this is a bug
      return;
    }
    if (pending === undefined) return;
    this.sinkHeld = true;
    const extras = this.more;
    extras.inFlight = pending;
    extras.sinkRelease ??= () => this.releaseSink();
    extras.sinkFailure ??= (error) => {
      this.sinkFailed(error);
      this.releaseSink();
    };
    void pending.then(extras.sinkRelease, extras.sinkFailure);
  }

  /** @internal */
  private sinkFailed(error: unknown): void {
    void this.route.app.answerError(this as unknown as C, error, { stage: 'message', where: 'message dispatch' });
  }
}
