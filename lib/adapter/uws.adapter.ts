import { createServer } from 'node:net';
import uWS from 'uWebSockets.js';
import { CloseCode } from '../errors/close-code';
import type { HttpRoute } from '../http-route';
import type { ConnectionLimits } from '../limits';
import type { Logger } from '../logger';
import type { Handshake, LocalTopics, Peer, RoomListener, SendStatus, SocketHandle, Transport } from '../connection/peer';
import type { Payload } from '../connection/message';
import type { RequestInfo } from '../connection/request-info';
import type { CompiledPath } from '../routing/path-pattern';
import { copyRequest, decodeText } from './copy-request';
import { serveHttp } from './http-handler';
import { warnIfNotNative } from './native-check';
import { PendingUpgrade, statusLine, type UpgradeHost, type UpgradeRequest } from './pending-upgrade';

/** What uWS keeps on each socket. uWS merges these fields into its WebSocket object, so reading them is a plain property access. */
interface SocketData {
  peer: Peer;
  /** Rooms the socket is in, kept exact by subscribe and unsubscribe (uWS empties it on close). */
  rooms: number;
}

type Socket = uWS.WebSocket<SocketData> & SocketData;

/** A WebSocket route as the transport mounts it. */
export interface MountedRoute<P extends Peer = Peer> {
  readonly path: string;
  readonly compiled: CompiledPath;
  /** Builds the connection of an upgrade request; the returned peer gets the socket's events. */
  connect(request: RequestInfo, handshake: Handshake): P;
  /** Runs the route's handler for it, once the transport watches the request. */
  start(peer: P): void;
}

/** What the adapter reports about requests it answers itself. */
export interface TransportEvents {
  /** An upgrade request was answered with an HTTP error status; `route` is null when no route matched. */
  upgradeRefused(route: string | null, status: number): void;
}

export interface AdapterOptions extends ConnectionLimits {
  readonly logger: Logger;
}

let nativeChecked = false;

/**
 * The one file that knows uWebSockets.js: routes, upgrades, socket events, backpressure, topics
 * and listen/close. Above it, connections see a {@link Peer}'s events and call the
 * {@link Transport} and {@link LocalTopics} with opaque socket handles.
 */
export class UwsAdapter implements Transport, LocalTopics, UpgradeHost {
  private readonly app: uWS.TemplatedApp = uWS.App();
  private listenSocket: uWS.us_listen_socket | null = null;
  /** Open sockets, so close() can reach them and maxConnections can count them. */
  private readonly open = new Set<Socket>();
  /** Upgrade requests not answered yet. */
  readonly pending = new Set<PendingUpgrade>();
  /** Set by close(): upgrades that still arrive (e.g. on keep-alive sockets) get 503. */
  private closing = false;
  /** Rooms with at least one socket, kept by uWS's `subscription` events (members live only in uWS). */
  private readonly roomNames = new Set<string>();
  private roomListener: RoomListener | null = null;
  serverHost = '';
  serverPort = 0;

  constructor(
    readonly options: AdapterOptions,
    readonly events: TransportEvents,
  ) {}

  /** Warns (once per process) when uWS runs on its slow pure-JS fallback. */
  static checkNativeBinary(logger: Logger): void {
    if (nativeChecked) return;
    nativeChecked = true;
    warnIfNotNative(uWS, logger);
  }

  mount<P extends Peer>(routes: readonly MountedRoute<P>[], httpRoutes: readonly HttpRoute[]): void {
    const { options } = this;
    for (const route of routes) {
      this.app.ws<SocketData>(route.compiled.pattern, {
        // uWS cuts an over-limit frame without a close frame (1006). Letting it buffer up to twice
        // the limit lets ProAPI answer anything in between with a proper 1009.
        maxPayloadLength: Math.max(options.maxPayloadLength * 2, options.maxPayloadLength + 64 * 1024),
        maxBackpressure: options.maxBackpressure,
        closeOnBackpressureLimit: options.closeOnBackpressureLimit ? 1 : 0,
        idleTimeout: options.idleTimeoutSeconds,
        sendPingsAutomatically: true,
        upgrade: (res, req, context) => this.onUpgrade(route, res, req, context),
        open: (ws) => {
          this.open.add(ws as Socket);
          (ws as Socket).peer.onOpen(ws as unknown as SocketHandle);
        },
        message: (ws, message, isBinary) => {
          const size = message.byteLength;
          if (size > options.maxPayloadLength) {
            this.rejectOversized(ws as Socket, size);
            return;
          }
          // uWS reuses `message`'s memory after this callback returns: decode or copy it now.
          (ws as Socket).peer.onMessage(isBinary ? Buffer.from(new Uint8Array(message)) : decodeText(message), size);
        },
        drain: (ws) => (ws as Socket).peer.onDrain(),
        // Fires on every change of a topic's size, also for the unsubscribes uWS does on close
        // (before `close` runs). Only a room turning empty or non-empty matters, unless the
        // listener follows sizes (a broker keeping cluster-wide room sizes).
        subscription: (_ws, topic, newCount, oldCount) => {
          const listener = this.roomListener;
          if (newCount > 0 && oldCount > 0) {
            if (listener?.roomSizeChanged) listener.roomSizeChanged(decodeText(topic), newCount);
            return;
          }
          const room = decodeText(topic);
          if (newCount > 0) {
            this.roomNames.add(room);
            listener?.roomOpened(room);
          } else {
            this.roomNames.delete(room);
            listener?.roomEmptied(room);
          }
          if (listener?.roomSizeChanged) listener.roomSizeChanged(room, newCount);
        },
        close: (ws, code, message) => {
          // After this callback the uWS socket is gone; the peer drops its handle now.
          this.open.delete(ws as Socket);
          const reason = decodeText(message);
          const peer = (ws as Socket).peer;
          // uWS drops a socket that breaks the protocol (bad UTF-8, bad opcode) with 1006 and a reason.
          if (code === CloseCode.ABNORMAL && reason) {
            this.options.logger.warn({ route: route.path, reason }, 'connection dropped for a protocol error');
          }
          peer.onClose(code, reason);
        },
      });
    }
    for (const route of httpRoutes) this.app.get(route.path, (res, req) => serveHttp(route, res, req, this.options.logger));
    const httpPaths = new Set(httpRoutes.map((r) => r.path));
    for (const route of routes) {
      // A plain GET on a WebSocket path (uWS yields non-upgrade requests to the next handler).
      if (httpPaths.has(route.compiled.pattern)) continue;
      this.app.get(route.compiled.pattern, (res) => {
        res.writeStatus('426 Upgrade Required').writeHeader('Upgrade', 'websocket').end('this path speaks WebSocket only');
      });
    }
    this.app.any('/*', (res, req) => {
      const upgrade = req.getHeader('upgrade');
      if (upgrade) this.events.upgradeRefused(null, 404);
      res.writeStatus('404 Not Found').end(upgrade ? 'no WebSocket route for this path' : 'not found');
    });
  }

  /**
   * `checkPortFree: false` is for fast mode's workers, which share the port on purpose after the
   * main thread has checked it.
   */
  async listen(port: number, host: string, checkPortFree = true): Promise<number> {
    // uWS binds with SO_REUSEPORT, so a second process on a taken port would silently get half the
    // connections. Its exclusive mode would also drop SO_REUSEADDR (a restart then fails for a
    // minute in TIME_WAIT), so ask Node first: its bind fails while anyone listens on the port.
    if (port !== 0 && checkPortFree) await assertPortFree(port, host);
    return new Promise((resolve, reject) => {
      this.app.listen(host, port, (socket) => {
        if (!socket) {
          (this.app as unknown as { close(): void }).close();
          reject(new Error(`could not listen on ${host}:${port}: is the port in use or the address not local?`));
          return;
        }
        this.listenSocket = socket;
        this.serverHost = host;
        this.serverPort = uWS.us_socket_local_port(socket as unknown as uWS.us_socket);
        resolve(this.serverPort);
      });
    });
  }

  /** Stops listening; pending upgrades get 503 and open sockets close with 1001. */
  closeConnections(): void {
    this.closing = true;
    if (this.listenSocket) {
      uWS.us_listen_socket_close(this.listenSocket);
      this.listenSocket = null;
    }
    for (const upgrade of [...this.pending]) upgrade.refuse(503, 'server shutting down');
    for (const ws of [...this.open]) ws.end(CloseCode.GOING_AWAY, 'server shutting down');
  }

  /** Closes the last sockets, idle HTTP keep-alive ones included, which would keep the process alive. */
  async shutdown(): Promise<void> {
    // One more turn of the event loop lets uWS flush close frames sent in this very tick (a handler
    // that just finished); without it the peer would see 1006 instead of 1001.
    await new Promise<void>((resolve) => setImmediate(resolve));
    (this.app as unknown as { close(): void }).close();
  }

  /**
   * Closes the listen socket and every connection at once, without close frames (clients see
   * 1006). For a crashing worker thread: a thread that ends with uWS sockets open aborts the process.
   */
  abort(): void {
    this.closing = true;
    this.listenSocket = null;
    (this.app as unknown as { close(): void }).close();
  }

  // ---- Transport -------------------------------------------------------------------------

  // No cork() around a send: uWS's send() corks by itself when it can, and while uWS runs a
  // socket's callback (and the promise callbacks it starts) that socket is corked already, so
  // echoes from handlers resuming after `await` share one syscall. A cork around one send only
  // added a call into C++ per message (measured: same syscalls, more CPU; see docs/benchmarks.md).
  send(socket: SocketHandle, data: Payload, isBinary: boolean): SendStatus {
    // uWS answers 1 sent, 0 buffered (drains later), 2 dropped (over maxBackpressure).
    const status = (socket as unknown as Socket).send(data, isBinary);
    return (status === 1 ? 0 : status === 0 ? 1 : 2) as SendStatus;
  }

  bufferedAmount(socket: SocketHandle): number {
    return (socket as unknown as Socket).getBufferedAmount();
  }

  end(socket: SocketHandle, code: number, reason: string): void {
    (socket as unknown as Socket).end(code, reason);
  }

  // ---- LocalTopics -----------------------------------------------------------------------

  setRoomListener(listener: RoomListener): void {
    this.roomListener = listener;
  }

  // uWS v20.30's subscribe() returns true even when the socket was in the topic already; its
  // unsubscribe() does say whether it left.
  subscribe(socket: SocketHandle, room: string): boolean {
    const ws = socket as unknown as Socket;
    if (ws.isSubscribed(room)) return false;
    ws.subscribe(room);
    ws.rooms++;
    return true;
  }

  unsubscribe(socket: SocketHandle, room: string): boolean {
    const ws = socket as unknown as Socket;
    if (!ws.unsubscribe(room)) return false;
    ws.rooms--;
    return true;
  }

  has(socket: SocketHandle, room: string): boolean {
    return (socket as unknown as Socket).isSubscribed(room);
  }

  roomCount(socket: SocketHandle): number {
    return (socket as unknown as Socket).rooms;
  }

  topicsOf(socket: SocketHandle): string[] {
    return (socket as unknown as Socket).getTopics();
  }

  /*
   * Local fan-out is uWS's topic tree:
   * - Messages under 16 KiB are queued and written to each receiver, corked, when the loop
   *   iteration ends (also after timers and promise callbacks, so no cork() is needed here);
   *   larger ones go straight to each receiver's send. Per receiver, order is kept across
   *   publish and send.
   * - Each receiver's copy obeys maxBackpressure: a slow receiver's copy is dropped (or it is
   *   closed, with closeOnBackpressureLimit) and the other receivers are not held back.
   */
  publish(room: string, data: Payload, isBinary: boolean, exclude: SocketHandle | null): void {
    const sender = exclude as unknown as Socket | null;
    // ws.publish leaves the sender out, but from a socket in no room it publishes nothing (uWS
    // frees a subscriber with its last topic); such a sender is not in `room` either, so
    // app.publish reaches exactly the same sockets.
    if (sender !== null && sender.rooms > 0) sender.publish(room, data, isBinary);
    else this.app.publish(room, data, isBinary);
  }

  size(room: string): number {
    return this.app.numSubscribers(room);
  }

  rooms(): string[] {
    return [...this.roomNames];
  }

  // ---- UpgradeHost: what a pending upgrade asks of the adapter ----------------------------

  upgraded(upgrade: PendingUpgrade, request: UpgradeRequest, subprotocol: string): void {
    this.pending.delete(upgrade);
    const { res, key, extensions, context } = request;
    const data: SocketData = { peer: request.peer as Peer, rooms: 0 };
    // Upgrading from async code must be corked; uWS calls `open` synchronously inside upgrade().
    res.cork(() => res.upgrade<SocketData>(data, key, subprotocol, extensions, context));
  }

  refused(upgrade: PendingUpgrade, status: number): void {
    this.pending.delete(upgrade);
    this.events.upgradeRefused(upgrade.route.path, status);
  }

  // ---- uWS callbacks ----------------------------------------------------------------------

  private onUpgrade<P extends Peer>(route: MountedRoute<P>, res: uWS.HttpResponse, req: uWS.HttpRequest, context: uWS.us_socket_context_t): void {
    if (this.closing) return this.refuseAtOnce(route, res, 503, 'server shutting down');
    if (this.open.size + this.pending.size >= this.options.maxConnections) {
      this.options.logger.warn({ limit: this.options.maxConnections }, 'maxConnections reached; answered HTTP 503');
      return this.refuseAtOnce(route, res, 503, 'too many connections');
    }
    if (req.getHeader('sec-websocket-version') !== '13') {
      this.events.upgradeRefused(route.path, 426);
      res.writeStatus('426 Upgrade Required').writeHeader('Sec-WebSocket-Version', '13').end('only WebSocket version 13 is supported');
      return;
    }
    // `req` is only valid until this function returns: copy all of it now.
    const request = copyRequest(route.compiled, req, res);
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

  private refuseAtOnce(route: { readonly path: string }, res: uWS.HttpResponse, status: number, body: string): void {
    this.events.upgradeRefused(route.path, status);
    res.writeStatus(statusLine(status)).end(body);
  }

  private rejectOversized(ws: Socket, size: number): void {
    this.options.logger.warn({ size, limit: this.options.maxPayloadLength }, 'inbound message over maxPayloadLength; closing with 1009');
    ws.end(CloseCode.MESSAGE_TOO_BIG, 'message too big');
  }
}

/** Rejects while any process (this one included) listens on the port. */
export function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`could not listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`)),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
