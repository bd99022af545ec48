import { STATUS_CODES } from 'node:http';
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
  aborted: boolean;
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
  private readonly running = new Set<Promise<void>>();
  serverHost = '';
  serverPort = 0;

  // Sends go through cork() so a send from async code (after an await) is one syscall, and
  // uWS does not warn. The arguments travel in fields so the hot path allocates no closure.
  private corkSocket: uWS.WebSocket<SocketData> | null = null;
  private corkData: string | Uint8Array | ArrayBuffer = '';
  private corkBinary = false;
  private corkResult = 0;
  private readonly corkedSend = (): void => {
    this.corkResult = this.corkSocket!.send(this.corkData, this.corkBinary);
  };

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
        close: (ws, code, message) => {
          // After this callback the uWS socket is gone; the connection drops its reference now.
          const conn = ws.getUserData().conn;
          this.live.delete(conn);
          conn.onTransportClose(code, decodeText(message));
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

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.app.listen(host, port, (socket) => {
        if (!socket) {
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
    if (this.listenSocket) {
      uWS.us_listen_socket_close(this.listenSocket);
      this.listenSocket = null;
    }
    for (const conn of [...this.live]) {
      if (conn.state === 'connecting') conn.deny(503, 'server shutting down');
      else void conn.close(CloseCode.GOING_AWAY, 'server shutting down');
    }
    await this.waitForHandlers();
    // Last, so the 1001 close frames above are flushed first: this also drops idle HTTP keep-alive
    // sockets, which would otherwise keep the process alive.
    (this.app as unknown as { close(): void }).close();
  }

  private async waitForHandlers(): Promise<void> {
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.options.logger.warn(
        { handlers: this.running.size, timeoutMs: this.options.shutdownTimeoutMs },
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

  deny(conn: WebSocketConnection<object>, status: number, body: string): void {
    this.live.delete(conn);
    const up = this.takePending(conn);
    if (!up) return;
    up.res.cork(() => {
      up.res.writeStatus(`${status} ${STATUS_CODES[status] ?? 'Unknown'}`);
      up.res.writeHeader('Content-Type', 'text/plain; charset=utf-8');
      up.res.end(body);
    });
  }

  send(socket: SocketRef, data: string | Uint8Array | ArrayBuffer, isBinary: boolean): number {
    this.corkSocket = socket as unknown as uWS.WebSocket<SocketData>;
    this.corkData = data;
    this.corkBinary = isBinary;
    this.corkSocket.cork(this.corkedSend);
    this.corkSocket = null;
    this.corkData = '';
    return this.corkResult;
  }

  bufferedAmount(socket: SocketRef): number {
    return (socket as unknown as uWS.WebSocket<SocketData>).getBufferedAmount();
  }

  end(socket: SocketRef, code: number, reason: string): void {
    (socket as unknown as uWS.WebSocket<SocketData>).end(code, reason);
  }

  // ---- uWS callbacks ----------------------------------------------------------------------

  private onUpgrade(route: Route, res: uWS.HttpResponse, req: uWS.HttpRequest, context: uWS.us_socket_context_t): void {
    if (this.live.size >= this.options.maxConnections) {
      this.options.logger.warn({ limit: this.options.maxConnections }, 'maxConnections reached; answered HTTP 503');
      res.writeStatus('503 Service Unavailable').end('too many connections');
      return;
    }
    // `req` is only valid until this function returns: copy all of it now.
    const request = copyRequest(route, req, res);
    const up: PendingUpgrade = {
      res,
      context,
      key: req.getHeader('sec-websocket-key'),
      extensions: req.getHeader('sec-websocket-extensions'),
      aborted: false,
    };
    const conn = new WebSocketConnection(this, request);
    this.pending.set(conn, up);
    this.live.add(conn);
    // Without onAborted, a client that leaves before accept() would crash uWS on the later write.
    res.onAborted(() => {
      up.aborted = true;
      this.live.delete(conn);
      conn.onTransportClose(CloseCode.ABNORMAL, 'client went away before the upgrade');
    });
    const run = this.runner(conn, route);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

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
    this.pending.delete(conn);
    return up && !up.aborted ? up : undefined;
  }

  private onHttp(route: HttpRoute, res: uWS.HttpResponse, req: uWS.HttpRequest): void {
    const headers = new Map<string, string>();
    req.forEach((key, value) => headers.set(key, value));
    const info = { method: req.getMethod(), path: req.getUrl(), query: new URLSearchParams(req.getQuery() ?? ''), headers };
    let aborted = false;
    res.onAborted(() => (aborted = true));
    const answer = (reply: HttpReply | string): void => {
      if (aborted) return;
      const { status = 200, headers: replyHeaders = {}, body = '' } = typeof reply === 'string' ? { body: reply } : reply;
      res.cork(() => {
        res.writeStatus(`${status} ${STATUS_CODES[status] ?? 'Unknown'}`);
        const hasType = Object.keys(replyHeaders).some((k) => k.toLowerCase() === 'content-type');
        if (!hasType) res.writeHeader('Content-Type', 'text/plain; charset=utf-8');
        for (const [key, value] of Object.entries(replyHeaders)) res.writeHeader(key, value);
        res.end(body);
      });
    };
    const fail = (error: unknown): void => {
      this.options.logger.error({ err: error, path: info.path }, 'HTTP handler threw; answered 500');
      answer({ status: 500, body: 'internal server error' });
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
  const headerPairs: string[] = [];
  req.forEach((key, value) => headerPairs.push(key, value));
  return {
    path,
    rawQuery: req.getQuery() ?? '',
    headerPairs,
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

function decodeText(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString('utf8');
}
