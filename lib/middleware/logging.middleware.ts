import { performance } from 'node:perf_hooks';
import type { InboundMessage, WebSocketConnection } from '../connection/web-socket-connection';
import { WebSocketDisconnect } from '../errors';
import { connectLine, requestIdentity } from './connect-line';
import { DEFAULT_REDACTED_FRAGMENTS, DEFAULT_SAFE_SUBPROTOCOLS, Redactor } from './redact';
import { MessageNext, MiddlewareLogger, MiddlewareNext, WebSocketMiddleware } from './web-socket-middleware';

export interface LoggingOptions {
  /**
   * Also log every message in and out: text cut to {@link maxTextLength}, binary as its length.
   * A room broadcast made by the connection is one line with its `room`. Default false.
   */
  logMessages?: boolean;
  /** Default: the app's logger. Any `{ info, warn, error }` works, e.g. pino. */
  logger?: MiddlewareLogger;
  /**
   * More query parameter and header names (exact, any case) whose values are logged as
   * `[REDACTED]`, on top of the defaults: every name containing one of
   * {@link DEFAULT_REDACTED_FRAGMENTS} (token, secret, pass, auth, key, session, cookie, jwt, ...),
   * and every name a middleware registered with `registerCredentialName()` (AuthMiddleware
   * registers its `queryParam`, e.g. `ticket`).
   */
  redact?: readonly string[];
  /**
   * `false` drops the default fragments, so only the {@link redact} names and the registered
   * credential names are redacted. Default true.
   */
  redactDefaults?: boolean;
  /**
   * Subprotocol names logged as offered, on top of {@link DEFAULT_SAFE_SUBPROTOCOLS} (`bearer`,
   * `graphql-ws`, `mqtt`, ...). Every other offered subprotocol is logged as `[REDACTED]`: a
   * browser can only send a credential in the query or as a subprotocol, in any position.
   */
  safeSubprotocols?: readonly string[];
  /** Characters of a text message kept in a message line. Default 200. */
  maxTextLength?: number;
}

/**
 * Logs one structured line per connection when its upgrade request arrives (`websocket connect`:
 * request id, path, redacted query and headers, client address, offered subprotocols, each cut to
 * a bounded size: the line stays under about 9 KiB whatever the request) and one when
 * it is over (`websocket disconnect`: close code and reason, accepted subprotocol, duration,
 * messages and bytes in and out). The request id is the `X-Request-Id` header when it is 1 to 128
 * visible ASCII characters, else a new UUID (the connect line then shows the client's, cut, as
 * `clientRequestId`).
 * Out counts every frame sent with `send*()`, and every room broadcast the connection makes
 * (`broadcast*()`) once, with its payload's bytes, however many receive it: uWS copies it to
 * each receiver where it cannot be counted. `app.broadcast*()` belongs to no connection.
 * @example
 * app.websocketMiddlewares = [new LoggingMiddleware({ logMessages: true, logger: pino() })];
 */
export class LoggingMiddleware extends WebSocketMiddleware {
  private readonly logMessages: boolean;
  private readonly redactor: Redactor;
  private readonly maxTextLength: number;
  private readonly live = new Map<WebSocketConnection, ConnectionLog>();

  constructor(options: LoggingOptions = {}) {
    super();
    this.logMessages = options.logMessages ?? false;
    this.redactor = new Redactor(
      options.redact ?? [],
      options.redactDefaults === false ? [] : DEFAULT_REDACTED_FRAGMENTS,
      [...DEFAULT_SAFE_SUBPROTOCOLS, ...(options.safeSubprotocols ?? [])],
    );
    this.maxTextLength = options.maxTextLength ?? 200;
    this.useLogger(options.logger);
  }

  async handle(ws: WebSocketConnection, next: MiddlewareNext): Promise<unknown> {
    const identity = requestIdentity(ws);
    this.logger.info(connectLine(ws, this.redactor, identity), 'websocket connect');
    const log = new ConnectionLog(this.logger, ws, identity.requestId, this.logMessages ? this.maxTextLength : -1);
    this.live.set(ws, log);
    let failure: unknown;
    try {
      return await next();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.live.delete(ws);
      // The chain closes the connection when the handler settles; a refusal by a later middleware closes it just after.
      if (ws.closed) log.end(failure);
      else void ws.waitForClose().then(() => log.end(failure));
    }
  }

  override onMessage(ws: WebSocketConnection, message: InboundMessage, next: MessageNext): void {
    this.live.get(ws)?.received(message);
    next(message);
  }

  override onSend(ws: WebSocketConnection, data: string | Uint8Array | ArrayBuffer, isBinary: boolean, room: string | undefined): void {
    this.live.get(ws)?.sent(data, isBinary, room);
  }
}

/** One connection's counters. */
class ConnectionLog {
  private readonly started = performance.now();
  private messagesIn = 0;
  private bytesIn = 0;
  private messagesOut = 0;
  private bytesOut = 0;

  constructor(
    private readonly logger: MiddlewareLogger,
    private readonly ws: WebSocketConnection,
    private readonly requestId: string,
    /** -1: do not log messages. */
    private readonly maxTextLength: number,
  ) {}

  received(message: InboundMessage): void {
    const bytes = typeof message === 'string' ? Buffer.byteLength(message) : message.length;
    this.messagesIn++;
    this.bytesIn += bytes;
    if (this.maxTextLength >= 0) this.logMessage('in', message, bytes);
  }

  sent(data: string | Uint8Array | ArrayBuffer, isBinary: boolean, room: string | undefined): void {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.messagesOut++;
    this.bytesOut += bytes;
    if (this.maxTextLength >= 0) this.logMessage('out', isBinary ? null : data, bytes, room);
  }

  end(failure: unknown): void {
    const { ws } = this;
    this.logger.info(
      {
        event: 'disconnect',
        requestId: this.requestId,
        path: ws.path,
        code: ws.closeCode,
        reason: ws.closeReason,
        subprotocol: ws.subprotocol,
        durationMs: Math.round(performance.now() - this.started),
        messagesIn: this.messagesIn,
        bytesIn: this.bytesIn,
        messagesOut: this.messagesOut,
        bytesOut: this.bytesOut,
        ...(failure !== undefined && !(failure instanceof WebSocketDisconnect) ? { error: String(failure) } : {}),
      },
      'websocket disconnect',
    );
  }

  /** `data` is null for binary frames, which are logged by length only. */
  private logMessage(
    direction: 'in' | 'out',
    data: string | Uint8Array | ArrayBuffer | Buffer | null,
    bytes: number,
    room?: string,
  ): void {
    const fields: Record<string, unknown> = { event: 'message', requestId: this.requestId, direction, bytes };
    if (room !== undefined) fields.room = room;
    if (typeof data === 'string') {
      fields.text = data.length > this.maxTextLength ? `${data.slice(0, this.maxTextLength)}…` : data;
    } else {
      fields.binary = true;
    }
    this.logger.info(fields, `websocket message ${direction}`);
  }
}
