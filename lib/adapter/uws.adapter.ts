import { STATUS_CODES } from 'node:http';
import { createServer } from 'node:net';
import uWS from 'uWebSockets.js';
import { CloseCode } from '../errors';
import type { HttpReply, HttpRoute } from '../http-route';
import type { ResolvedOptions } from '../options';
import { pathTail } from '../routing/path-pattern';
import type { Route } from '../routing/route';
import type { ConnectionTransport, CopiedRequest, SocketRef } from '../connection/transport';
import { WebSocketConnection } from '../connection/web-socket-connection';
import { warnIfNotNative } from './native-check';

/** What uWS keeps on each socket (uWS copies these fields onto its WebSocket object). */
interface SocketData {
  conn: WebSocketConnection<object>;
}

/** The upgrade request a connection holds until it accepts or refuses. */
interface PendingUpgrade {
  res: uWS.HttpResponse;
  context: uWS.us_socket_context_t;
  key: string;
  extensions: string;
  /** Refuses the upgrade if the handler neither accepts nor refuses in time (acceptTimeoutMs). */
  timer: NodeJS.Timeout | undefined;
}

let nativeChecked = false;

export type ConnectionRunner = (ws: WebSocketConnection, route: Route) => Promise<void>;

/**
 * The one file that knows uWebSockets.js: routes, upgrades, socket events, backpressure and
 * listen/close. Everything above it sees copied requests and a {@link ConnectionTransport}.
 */
export class UwsAdapter implements ConnectionTransport {
  private readonly app: uWS.TemplatedApp = uWS.App();
  private listenSocket: uWS.us_listen_socket | null = null;
  /** Connections from upgrade request until close, so close() can reach them and maxConnections can count. */
  private readonly live = new Set<WebSocketConnection<object>>();
  private readonly pending = new WeakMap<WebSocketConnection<object>, PendingUpgrade>();
  // Handlers still running, counted rather than kept in a set: per connection that saves a set
  // entry and a closure, and idle connections are what a server has most of.
  private runningHandlers = 0;
  private handlersIdle: (() => void) | null = null;
  private readonly handlerFinished = (): void => {
    if (--this.runningHandlers === 0) this.handlersIdle?.();
  };
  /** Set by close(): upgrades that still arrive (e.g. on keep-alive sockets) get 503. */
  private closing = false;
  /** Rooms with at least one socket, kept by uWS's `subscription` events (members live only in uWS). */
  private readonly rooms = new Set<string>();
  serverHost = '';
  serverPort = 0;

  constructor(
    readonly options: ResolvedOptions,
    private readonly runner: ConnectionRunner,
  ) {}

  /** Warns (once per process) when uWS runs on its slow pure-JS fallback. */
  static checkNativeBinary(logger: ResolvedOptions['logger']): void {
    if (nativeChecked) return;
    nativeChecked = true;
    warnIfNotNative(uWS, logger);
  }

  mount(routes: readonly Route[], httpRoutes: readonly HttpRoute[]): void {
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
        open: (ws) => ws.getUserData().conn.onTransportOpen(ws as unknown as SocketRef),
        message: (ws, message, isBinary) => {
          if (message.byteLength > options.maxPayloadLength) {
            this.rejectOversized(ws, message.byteLength);
            return;
          }
          // uWS reuses `message`'s memory after this callback returns: decode or copy it now.
          ws.getUserData().conn.onTransportMessage(isBinary ? Buffer.from(new Uint8Array(message)) : decodeText(message));
        },
        drain: (ws) => ws.getUserData().conn.onTransportDrain(),
        // Fires on every change of a topic's size, also for the unsubscribes uWS does on close
        // (before `close` runs). Only a room turning empty or non-empty matters here.
        subscription: (_ws, topic, newCount, oldCount) => {
          if (newCount > 0 && oldCount > 0) return;
          if (newCount > 0) this.rooms.add(decodeText(topic));
          else this.rooms.delete(decodeText(topic));
        },
        close: (ws, code, message) => {
          // After this callback the uWS socket is gone; the connection drops its reference now.
          const conn = ws.getUserData().conn;
          this.live.delete(conn);
          const reason = decodeText(message);
          // uWS drops a socket that breaks the protocol (bad UTF-8, bad opcode) with 1006 and a reason.
          if (code === CloseCode.ABNORMAL && reason) {
            this.options.logger.warn({ path: conn.path, reason }, 'connection dropped for a protocol error');
          }
          conn.onTransportClose(code, reason);
        },
      });
    }
    for (const route of httpRoutes) this.app.get(route.path, (res, req) => this.onHttp(route, res, req));
    const wsPaths = new Set(httpRoutes.map((r) => r.path));
    for (const route of routes) {
      // A plain GET on a WebSocket path (uWS yields non-upgrade requests to the next handler).
      if (wsPaths.has(route.compiled.pattern)) continue;
      this.app.get(route.compiled.pattern, (res) => {
        res.writeStatus('426 Upgrade Required').writeHeader('Upgrade', 'websocket').end('this path speaks WebSocket only');
      });
    }
    this.app.any('/*', (res, req) => {
      const upgrade = req.getHeader('upgrade');
      res.writeStatus('404 Not Found').end(upgrade ? 'no WebSocket route for this path' : 'not found');
    });
  }

  async listen(port: number, host: string): Promise<number> {
    // uWS binds with SO_REUSEPORT, so a second process on a taken port would silently get half the
    // connections. Its exclusive mode would also drop SO_REUSEADDR (a restart then fails for a
    // minute in TIME_WAIT), so ask Node first: its bind fails while anyone listens on the port.
    if (port !== 0) await assertPortFree(port, host);
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

  /** Stops listening, closes every socket with 1001, refuses pending upgrades with 503, awaits handlers. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.listenSocket) {
      uWS.us_listen_socket_close(this.listenSocket);
      this.listenSocket = null;
    }
    for (const conn of [...this.live]) {
      if (conn.state === 'connecting') conn.deny(503, 'server shutting down');
      else void conn.close(CloseCode.GOING_AWAY, 'server shutting down');
    }
    await this.waitForHandlers();
    // One more turn of the event loop lets uWS flush close frames sent in this very tick (a handler
    // that just finished); without it the peer would see 1006 instead of 1001.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Last, so the 1001 close frames above are flushed first: this also drops idle HTTP keep-alive
    // sockets, which would otherwise keep the process alive.
    (this.app as unknown as { close(): void }).close();
  }

  private async waitForHandlers(): Promise<void> {
    if (this.runningHandlers === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs);
    });
    const idle = new Promise<'idle'>((resolve) => (this.handlersIdle = () => resolve('idle')));
    const outcome = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    this.handlersIdle = null;
    if (outcome === 'timeout') {
      this.options.logger.warn(
        { handlers: this.runningHandlers, timeoutMs: this.options.shutdownTimeoutMs },
        'close(): some handlers did not finish after their sockets were closed',
      );
    }
  }

  // ---- ConnectionTransport ----------------------------------------------------------------

  upgrade(conn: WebSocketConnection<object>, subprotocol: string): void {
    const up = this.takePending(conn);
    if (!up) return;
    // Upgrading from async code must be corked; uWS calls `open` synchronously inside upgrade().
    up.res.cork(() => up.res.upgrade<SocketData>({ conn }, up.key, subprotocol, up.extensions, up.context));
  }

  deny(conn: WebSocketConnection<object>, status: number, body: string, headers?: Readonly<Record<string, string>>): void {
    this.live.delete(conn);
    const up = this.takePending(conn);
    if (!up) return;
    up.res.cork(() => {
      up.res.writeStatus(`${status} ${STATUS_CODES[status] ?? 'Unknown'}`);
      up.res.writeHeader('Content-Type', 'text/plain; charset=utf-8');
      if (headers) for (const name of Object.keys(headers)) up.res.writeHeader(name, headers[name]);
      up.res.end(body);
    });
  }

  // No cork() around a send: uWS's send() corks by itself when it can, and while uWS runs a
  // socket's callback (and the promise callbacks it starts) that socket is corked already, so
  // echoes from handlers resuming after `await` share one syscall. A cork around one send only
  // added a call into C++ per message (measured: same syscalls, more CPU; see docs/benchmarks.md).
  send(socket: SocketRef, data: string | Uint8Array | ArrayBuffer, isBinary: boolean): number {
    return (socket as unknown as uWS.WebSocket<SocketData>).send(data, isBinary);
  }

  bufferedAmount(socket: SocketRef): number {
    return (socket as unknown as uWS.WebSocket<SocketData>).getBufferedAmount();
  }

  end(socket: SocketRef, code: number, reason: string): void {
    (socket as unknown as uWS.WebSocket<SocketData>).end(code, reason);
  }

  // uWS v20.30's subscribe() returns true even when the socket was in the topic already; its
  // unsubscribe() does say whether it left. Connections count their rooms with isSubscribed() first.
  subscribe(socket: SocketRef, room: string): void {
    (socket as unknown as uWS.WebSocket<SocketData>).subscribe(room);
  }

  unsubscribe(socket: SocketRef, room: string): boolean {
    return (socket as unknown as uWS.WebSocket<SocketData>).unsubscribe(room);
  }

  isSubscribed(socket: SocketRef, room: string): boolean {
    return (socket as unknown as uWS.WebSocket<SocketData>).isSubscribed(room);
  }

  getTopics(socket: SocketRef): string[] {
    return (socket as unknown as uWS.WebSocket<SocketData>).getTopics();
  }

  numSubscribers(room: string): number {
    return this.app.numSubscribers(room);
  }

  getRooms(): string[] {
    return [...this.rooms];
  }

  /*
   * The broker seam: every room message of this process passes here, so a broker forwarding
   * rooms to other processes wraps this one method. Local fan-out stays uWS's topic tree:
   * - Messages under 16 KiB are queued and written to each receiver, corked, when the loop
   *   iteration ends (also after timers and promise callbacks, so no cork() is needed here);
   *   larger ones go straight to each receiver's send. Per receiver, order is kept across
   *   publish and send.
   * - Each receiver's copy obeys maxBackpressure: a slow receiver's copy is dropped (or it is
   *   closed, with closeOnBackpressureLimit) and the other receivers are not held back.
   */
  publish(room: string, data: string | Uint8Array | ArrayBuffer, isBinary: boolean, exclude: SocketRef | null): void {
    // The connection passes `exclude` only when that socket is in some room: ws.publish from a
    // socket in no room publishes nothing (uWS frees its subscriber with its last topic).
    if (exclude !== null) (exclude as unknown as uWS.WebSocket<SocketData>).publish(room, data, isBinary);
    else this.app.publish(room, data, isBinary);
  }

  // ---- uWS callbacks ----------------------------------------------------------------------

  private onUpgrade(route: Route, res: uWS.HttpResponse, req: uWS.HttpRequest, context: uWS.us_socket_context_t): void {
    if (this.closing) {
      res.writeStatus('503 Service Unavailable').end('server shutting down');
      return;
    }
    if (this.live.size >= this.options.maxConnections) {
      this.options.logger.warn({ limit: this.options.maxConnections }, 'maxConnections reached; answered HTTP 503');
      res.writeStatus('503 Service Unavailable').end('too many connections');
      return;
    }
    if (req.getHeader('sec-websocket-version') !== '13') {
      res.writeStatus('426 Upgrade Required').writeHeader('Sec-WebSocket-Version', '13').end('only WebSocket version 13 is supported');
      return;
    }
    // `req` is only valid until this function returns: copy all of it now.
    const request = copyRequest(route, req, res);
    const up: PendingUpgrade = {
      res,
      context,
      key: req.getHeader('sec-websocket-key'),
      extensions: req.getHeader('sec-websocket-extensions'),
      timer: undefined,
    };
    const conn = new WebSocketConnection(this, request);
    this.pending.set(conn, up);
    this.live.add(conn);
    // Without onAborted, a client that leaves before accept() would crash uWS on the later write.
    // uWS keeps this closure as long as the socket lives, so it holds only `conn`: dropping the
    // pending upgrade is what tells upgrade()/deny() that the response is gone.
    res.onAborted(() => {
      this.takePending(conn); // stops the accept timer; upgrade()/deny() then find nothing to answer
      this.live.delete(conn);
      conn.onTransportClose(CloseCode.ABNORMAL, 'client went away before the upgrade');
    });
    if (this.options.acceptTimeoutMs > 0) up.timer = setTimeout(this.expireUpgrade, this.options.acceptTimeoutMs, conn);
    this.runningHandlers++;
    void this.runner(conn, route).then(this.handlerFinished, this.reportRunnerFailure);
  }

  private readonly expireUpgrade = (conn: WebSocketConnection<object>): void => {
    if (conn.state !== 'connecting') return;
    this.options.logger.warn(
      { path: conn.path, acceptTimeoutMs: this.options.acceptTimeoutMs },
      'handler neither accepted nor refused within acceptTimeoutMs; answered HTTP 408',
    );
    conn.deny(408, 'the server did not accept the connection in time');
  };

  private readonly reportRunnerFailure = (error: unknown): void => {
    this.options.logger.error({ err: error }, 'unexpected failure while finishing a connection');
    this.handlerFinished();
  };

  private rejectOversized(ws: uWS.WebSocket<SocketData>, size: number): void {
    const conn = ws.getUserData().conn;
    this.options.logger.warn(
      { path: conn.path, size, limit: this.options.maxPayloadLength },
      'inbound message over maxPayloadLength; closing with 1009',
    );
    ws.end(CloseCode.MESSAGE_TOO_BIG, 'message too big');
  }

  private takePending(conn: WebSocketConnection<object>): PendingUpgrade | undefined {
    const up = this.pending.get(conn);
    if (!up) return undefined;
    this.pending.delete(conn);
    clearTimeout(up.timer);
    return up;
  }

  private onHttp(route: HttpRoute, res: uWS.HttpResponse, req: uWS.HttpRequest): void {
    const headers = new Map<string, string>();
    req.forEach((key, value) => headers.set(key, value));
    const info = { method: req.getMethod(), path: req.getUrl(), query: new URLSearchParams(req.getQuery() ?? ''), headers };
    let aborted = false;
    res.onAborted(() => (aborted = true));
    const write = (status: number, headers: Readonly<Record<string, string>>, body: string | Uint8Array): void => {
      res.cork(() => {
        res.writeStatus(`${status} ${STATUS_CODES[status] ?? 'Unknown'}`);
        const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
        if (!hasType) res.writeHeader('Content-Type', 'text/plain; charset=utf-8');
        for (const [key, value] of Object.entries(headers)) res.writeHeader(key, value);
        res.end(body);
      });
    };
    const fail = (error: unknown): void => {
      this.options.logger.error({ err: error, path: info.path }, 'HTTP handler failed; answered 500');
      if (!aborted) write(500, {}, 'internal server error');
    };
    const answer = (reply: HttpReply | string): void => {
      if (aborted) return;
      const { status = 200, headers: replyHeaders = {}, body = '' } = typeof reply === 'string' ? { body: reply } : reply;
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        fail(new RangeError(`HTTP handler answered with status ${status}; use 200-599`));
        return;
      }
      write(status, replyHeaders, body);
    };
    try {
      Promise.resolve(route.handler(info)).then(answer, fail);
    } catch (error) {
      fail(error);
    }
  }
}

function copyRequest(route: Route, req: uWS.HttpRequest, res: uWS.HttpResponse): CopiedRequest {
  const path = req.getUrl();
  const { paramNames, wildcardSegment } = route.compiled;
  const params: Record<string, string> = {};
  for (let i = 0; i < paramNames.length; i++) params[paramNames[i]] = decodeSegment(req.getParameter(i));
  if (wildcardSegment >= 0) params['*'] = decodeSegment(pathTail(path, wildcardSegment));
  // One flat string instead of ~20 small ones (an idle connection keeps it for its lifetime),
  // length-prefixed so no header content can be mistaken for a separator.
  const headerParts: (string | number)[] = [];
  req.forEach((key, value) => headerParts.push(key.length, ':', key, value.length, ':', value));
  const headerText = headerParts.join('');
  return {
    path,
    rawQuery: req.getQuery() ?? '',
    headerText,
    params,
    clientHost: decodeText(res.getRemoteAddressAsText()),
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// Decodes an ArrayBuffer without wrapping it in a Buffer first (twice as fast per message);
// ignoreBOM keeps a leading U+FEFF in the text, as Buffer#toString does.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function decodeText(buffer: ArrayBuffer): string {
  return utf8.decode(buffer);
}

function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`could not listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`)),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
