import uWS from 'uWebSockets.js';
import { CloseCode } from '../errors/close-code';
import type { HttpRoute } from '../http-route';
import type { ConnectionLimits } from '../limits';
import type { Logger } from '../logger';
import type { Payload } from '../connection/message';
import type { Handshake, Peer, SendStatus, SocketHandle, Transport } from '../connection/peer';
import { RequestInfo } from '../connection/request-info';
import type { OriginPolicy } from '../routing/allowed-origins';
import type { CompiledPath } from '../routing/path-pattern';
import { BackpressureGuard } from './backpressure-guard';
import { copyRequest, decodeText } from './copy-request';
import { closeOversized, closeTooSlow, logProtocolDrop } from './socket-closes';
import { FlushWatch } from './flush-watch';
import { answerToPlainGet, checkHandshake, checkOrigin, writeRefusal, type Refusal } from './handshake-checks';
import { serveHttp } from './http-handler';
import { listenOn, warnIfOverFileLimit } from './listen';
import { warnOnceIfNotNative } from './native-check';
import { PendingUpgrade, type UpgradeHost, type UpgradeRequest } from './pending-upgrade';
import { ShutdownDrain } from './shutdown-drain';
import type { Socket, SocketData } from './socket-data';
import { UwsTopics } from './uws-topics';

/** A WebSocket route as the transport mounts it. */
export interface MountedRoute<P extends Peer = Peer> {
  readonly path: string;
  readonly compiled: CompiledPath;
  /** The pages (Origins) that may open it. */
  readonly origins: OriginPolicy;
  /** Builds the connection of an upgrade request; the returned peer gets the socket's events. */
  connect(request: RequestInfo, handshake: Handshake): P;
  /** Runs the route's handler for it, once the transport watches the request. */
  start(peer: P): void;
}

/** What the adapter reports about requests and sockets it deals with itself. */
export interface TransportEvents {
  /** An upgrade request was answered with an HTTP error status; `route` is null when no route matched. */
  upgradeRefused(route: string | null, status: number): void;
  /** A receiver fell more than maxBackpressure behind and is being closed with 1013. */
  slowReceiver(route: string): void;
}

export interface AdapterOptions extends ConnectionLimits {
  readonly logger: Logger;
}

/**
 * The one file that knows uWebSockets.js: routes, upgrades, socket events, backpressure and
 * listen/close (rooms are in {@link UwsTopics}). Above it, connections see a {@link Peer}'s events
 * and call the {@link Transport} and the topics with opaque socket handles.
 */
export class UwsAdapter implements Transport, UpgradeHost {
  private readonly app: uWS.TemplatedApp = uWS.App();
  readonly topics = new UwsTopics(this.app);
  private listenSocket: uWS.us_listen_socket | null = null;
  /** Open sockets, so close() can reach them and maxConnections can count them. */
  private readonly open = new Set<Socket>();
  /** Upgrade requests not answered yet. */
  readonly pending = new Set<PendingUpgrade>();
  /** Set by beginShutdown(): upgrades that still arrive get 503. */
  private closing = false;
  private readonly guard: BackpressureGuard<Socket> | null;
  private drain: ShutdownDrain<Socket> | null = null;
  private readonly flushWatch = new FlushWatch<Socket>();
  serverHost = '';
  serverPort = 0;

  constructor(
    readonly options: AdapterOptions,
    readonly events: TransportEvents,
  ) {
    const tooSlow = (ws: Socket, buffered: number): void => {
      events.slowReceiver(ws.route);
      closeTooSlow(ws, buffered, options.maxBackpressure, options.logger);
    };
    this.guard = options.closeOnBackpressureLimit ? new BackpressureGuard(options.maxBackpressure, this.open, tooSlow) : null;
    this.topics.guard = this.guard;
  }

  /** Warns (once per process) when uWS runs on its slow pure-JS fallback. */
  static checkNativeBinary(logger: Logger): void {
    warnOnceIfNotNative(uWS, logger);
  }

  mount<P extends Peer>(routes: readonly MountedRoute<P>[], httpRoutes: readonly HttpRoute[]): void {
    const { options, topics } = this;
    const maxPayloadLength = options.maxPayloadLength;
    for (const route of routes) {
      this.app.ws<SocketData>(route.compiled.pattern, {
        // uWS cuts an over-limit message without a close frame (1006), and keeps an unfinished one
        // as long as the connection lives. Letting it buffer a little more than the limit lets
        // ProAPI answer messages just over it with a proper 1009, at a bounded cost per connection.
        maxPayloadLength: maxPayloadLength + Math.min(maxPayloadLength, 64 * 1024),
        // uWS drops a slow receiver's messages past its limit without telling anyone. With the
        // guard on, ProAPI closes such a receiver itself at maxBackpressure (with a close frame,
        // which uWS would drop too past its limit), and uWS's higher limit only stops a receiver
        // that a burst within one event-loop turn carried further: uWS then cuts it (1006).
        maxBackpressure: this.guard ? 2 * options.maxBackpressure + maxPayloadLength : options.maxBackpressure,
        closeOnBackpressureLimit: this.guard ? 1 : 0,
        idleTimeout: options.idleTimeoutSeconds,
        maxLifetime: options.maxLifetimeMinutes,
        sendPingsAutomatically: true,
        upgrade: (res, req, context) => this.onUpgrade(route, res, req, context),
        open: (ws) => {
          this.open.add(ws as Socket);
          (ws as Socket).peer.onOpen(ws as unknown as SocketHandle);
        },
        message: (ws, message, isBinary) => {
          // Shutting down: the connection finishes what it has and is closed (see ShutdownDrain).
          if (this.drain !== null) return;
          const size = message.byteLength;
          if (size > maxPayloadLength) return closeOversized(ws as Socket, size, maxPayloadLength, options.logger);
          // uWS reuses `message`'s memory after this callback returns: decode or copy it now.
          (ws as Socket).peer.onMessage(isBinary ? Buffer.from(new Uint8Array(message)) : decodeText(message), size);
        },
        drain: (ws) => {
          (ws as Socket).peer.onDrain();
          if (this.drain !== null) this.drain.drained(ws as Socket);
        },
        subscription: (_ws, topic, newCount, oldCount) => topics.subscriptionChanged(topic, newCount, oldCount),
        close: (ws, code, message) => this.onClose(ws as Socket, code, message),
      });
    }
    for (const route of httpRoutes) this.app.get(route.path, (res, req) => serveHttp(route, res, req, this.options.logger));
    const httpPaths = new Set(httpRoutes.map((r) => r.path));
    for (const route of routes) {
      // A GET on a WebSocket path that uWS did not upgrade (it yields those to the next handler).
      if (httpPaths.has(route.compiled.pattern)) continue;
      this.app.get(route.compiled.pattern, (res, req) => this.refuseAtOnce(route.path, res, answerToPlainGet(req)));
    }
    this.app.any('/*', (res, req) => {
      if (req.getHeader('upgrade') === '') res.writeStatus('404 Not Found').end('not found');
      else this.refuseAtOnce(null, res, { status: 404, body: 'no WebSocket route for this path' });
    });
  }

  /** `checkPortFree: false` is for fast mode's workers, which share the port the main thread checked. */
  async listen(port: number, host: string, checkPortFree = true): Promise<number> {
    warnIfOverFileLimit(this.options.maxConnections, this.options.logger);
    const listening = await listenOn(this.app, host, port, checkPortFree);
    this.listenSocket = listening.socket;
    this.serverHost = host;
    this.serverPort = listening.port;
    return listening.port;
  }

  /**
   * Starts the shutdown: upgrades get 503 from now on (pending ones at once), while open sockets
   * and plain HTTP routes (a health check) keep being served until {@link drainConnections}.
   */
  beginShutdown(): void {
    this.closing = true;
    for (const upgrade of [...this.pending]) upgrade.refuse(503, 'server shutting down');
  }

  /** Closes each socket with 1001 once it has finished (see ShutdownDrain), the rest at `deadline` (performance.now()). */
  drainConnections(deadline: number): Promise<void> {
    this.drain = new ShutdownDrain(
      this.open,
      (ws) => ws.getBufferedAmount() === 0 && !ws.peer.hasQueuedMessages,
      (ws) => ws.end(CloseCode.GOING_AWAY, 'server shutting down'),
    );
    return this.drain.run(deadline);
  }

  /** Stops listening (new clients would blur the descriptors it counts), then waits for the clients' close answers. */
  linger(deadline: number): Promise<void> {
    this.stopListening();
    return this.drain?.linger(deadline) ?? Promise.resolve();
  }

  /** Stops listening and closes what is left, idle HTTP keep-alive sockets included, which would keep the process alive. */
  async shutdown(): Promise<void> {
    this.stopWatching();
    this.stopListening();
    this.beginShutdown();
    for (const ws of [...this.open]) ws.end(CloseCode.GOING_AWAY, 'server shutting down');
    // One more turn of the event loop lets uWS flush close frames sent in this very tick (a handler
    // that just finished); without it the peer would see 1006 instead of 1001.
    await new Promise<void>((resolve) => setImmediate(resolve));
    (this.app as unknown as { close(): void }).close();
  }

  /** Closes everything at once, without close frames (1006), for a crashing worker thread: one that ends with uWS sockets open aborts the process. */
  abort(): void {
    this.closing = true;
    this.stopWatching();
    this.listenSocket = null;
    (this.app as unknown as { close(): void }).close();
  }

  private stopListening(): void {
    if (this.listenSocket) uWS.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
  }

  private stopWatching(): void {
    this.guard?.stop();
    this.flushWatch.stop();
  }

  // ---- Transport -------------------------------------------------------------------------

  // No cork() around a send: uWS's send() corks by itself when it can, and while uWS runs a
  // socket's callback (and the promise callbacks it starts) that socket is corked already, so
  // echoes from handlers resuming after `await` share one syscall. A cork around one send only
  // added a call into C++ per message (measured: same syscalls, more CPU; see docs/benchmarks.md).
  send(socket: SocketHandle, data: Payload, isBinary: boolean): SendStatus {
    const ws = socket as unknown as Socket;
    // uWS answers 1 sent, 0 buffered (drains later), 2 dropped (over its maxBackpressure).
    const status = ws.send(data, isBinary);
    if (status === 1) return 0;
    if (status === 0) {
      this.flushWatch.buffered(ws);
      if (this.guard !== null) this.guard.sent(ws, ws.getBufferedAmount());
    }
    return (status === 0 ? 1 : 2) as SendStatus;
  }

  bufferedAmount(socket: SocketHandle): number {
    return (socket as unknown as Socket).getBufferedAmount();
  }

  end(socket: SocketHandle, code: number, reason: string): void {
    (socket as unknown as Socket).end(code, reason);
  }

  // ---- UpgradeHost: what a pending upgrade asks of the adapter ----------------------------

  upgraded(upgrade: PendingUpgrade, request: UpgradeRequest, subprotocol: string): void {
    this.pending.delete(upgrade);
    const { res, key, extensions, context } = request;
    const data: SocketData = { peer: request.peer as Peer, rooms: 0, route: upgrade.route.path };
    // Upgrading from async code must be corked; uWS calls `open` synchronously inside upgrade().
    res.cork(() => res.upgrade<SocketData>(data, key, subprotocol, extensions, context));
  }

  refused(upgrade: PendingUpgrade, status: number): void {
    this.pending.delete(upgrade);
    this.events.upgradeRefused(upgrade.route.path, status);
  }

  // ---- uWS callbacks ----------------------------------------------------------------------

  private onUpgrade<P extends Peer>(route: MountedRoute<P>, res: uWS.HttpResponse, req: uWS.HttpRequest, context: uWS.us_socket_context_t): void {
    const refusal = this.admit(route, req);
    // `req` is only valid until this function returns: copy all of it now.
    const request = refusal ?? copyRequest(route.compiled, req, res, this.options.maxHeaderBytes);
    if (!(request instanceof RequestInfo)) {
      this.refuseAtOnce(route.path, res, request);
      return;
    }
    const upgrade = new PendingUpgrade(this, route, {
      res,
      context,
      key: req.getHeader('sec-websocket-key'),
      extensions: req.getHeader('sec-websocket-extensions'),
      peer: null,
    });
    this.pending.add(upgrade);
    const peer = route.connect(request, upgrade);
    upgrade.watch(peer, this.options.acceptTimeoutMs);
    route.start(peer);
  }

  /** Whether an upgrade may go on to its handler, before anything of it is copied. */
  private admit(route: MountedRoute, req: uWS.HttpRequest): Refusal | null {
    if (this.closing) return { status: 503, body: 'server shutting down' };
    const { maxConnections } = this.options;
    if (this.open.size + this.pending.size >= maxConnections) return { status: 503, body: `too many connections (maxConnections ${maxConnections})` };
    return checkHandshake(req) ?? checkOrigin(route.origins, req);
  }

  /**
   * Answers an upgrade request with an error status, logs why, and closes the HTTP connection:
   * a refused client has no use for it, and under a flood of refusals the descriptors it would
   * hold are what the server runs out of first.
   */
  private refuseAtOnce(route: string | null, res: uWS.HttpResponse, refusal: Refusal): void {
    this.events.upgradeRefused(route, refusal.status);
    if (refusal.status !== 404) this.options.logger.warn({ route, status: refusal.status }, `upgrade refused with HTTP ${refusal.status}: ${refusal.body}`);
    writeRefusal(res, refusal);
  }

  private onClose(ws: Socket, code: number, message: ArrayBuffer): void {
    // After this callback the uWS socket is gone; the peer drops its handle now.
    this.open.delete(ws);
    this.guard?.closed(ws);
    this.flushWatch.closed(ws);
    const reason = decodeText(message);
    logProtocolDrop(ws, code, reason, this.options.logger);
    ws.peer.onClose(code, reason);
    this.drain?.closed();
  }
}

export { assertPortFree } from './listen';
