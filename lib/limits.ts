import { defaultMaxConnections } from './runtime/file-descriptors';

/**
 * Limits and transport settings. Every limit has a default; each can be changed in `new ProAPI(options)`.
 * The README's Security section lists them with what each costs per connection.
 */
export interface ConnectionLimits {
  /**
   * Largest inbound message in bytes; larger ones close the socket with 1009. Default 1 MiB.
   * uWS buffers an unfinished message up to this plus min(this, 64 KiB) (so that ProAPI can answer
   * 1009); beyond that uWS v20.30 drops the TCP connection without a close frame (1006).
   * Broadcasts larger than this are refused with `MessageTooLargeError`.
   */
  maxPayloadLength: number;
  /**
   * Inbound messages waiting for the handler, per connection: those a receive or `@OnMessage`
   * handler has not taken yet, and those held while an async middleware `onMessage()` runs, in one
   * queue. One more closes with 1008. Default 1024.
   */
  maxQueuedMessages: number;
  /** The same queue's limit in bytes (as on the wire); one more message over it closes with 1008. Default 4 MiB. */
  maxQueuedBytes: number;
  /** Buffered outbound bytes above which `send*()` resolves only after the socket drains. Default 256 KiB. */
  sendHighWaterMark: number;
  /**
   * Buffered outbound bytes a receiver may fall behind by (sends and room broadcasts alike). A
   * receiver past it is closed with 1013 "too slow" after what it was sent so far, so it never
   * misses a message silently; the other receivers of a broadcast are not held back. Default 4 MiB.
   */
  maxBackpressure: number;
  /**
   * `true` (default): close a receiver that passes `maxBackpressure` (1013, a log line, the
   * `slow_receiver` error count). `false`: let uWS drop its messages instead, silently, for
   * feeds where a gap does no harm (prices, cursors); sends then reject with `WebSocketBackpressureError`.
   */
  closeOnBackpressureLimit: boolean;
  /** Seconds without traffic before uWS closes the socket (pings are sent automatically). Default 120. */
  idleTimeoutSeconds: number;
  /**
   * Open plus upgrading connections per process; more get HTTP 503. Default: derived from the
   * open-file limit (RLIMIT_NOFILE) minus a reserve of a tenth (64 to 1024), so the server answers
   * 503 before it runs out of descriptors; 100,000 where there is no such limit (Windows).
   */
  maxConnections: number;
  /**
   * Milliseconds `app.close()` takes at most: each socket is closed with 1001 once what it was
   * sent has drained (a slow reader still gets its replies), then running handlers are awaited.
   * What has not drained by then is cut. Default 5,000.
   */
  shutdownTimeoutMs: number;
  /** Deepest nesting of objects/arrays `receiveJson()` and `@OnMessage` accept. Default 32, at most 1000. */
  maxJsonDepth: number;
  /** Longest JSON text (UTF-16 code units) `receiveJson()` and `@OnMessage` parse. Default 1 MiB. */
  maxJsonLength: number;
  /** Milliseconds a handler may take to accept or refuse; then the upgrade gets HTTP 408 (0: no limit). Default 10,000. */
  acceptTimeoutMs: number;
  /** Longest room name in UTF-8 bytes; longer ones are an `InvalidRoomNameError`. Default 256. */
  maxRoomNameBytes: number;
  /**
   * Rooms one connection may be in at once; one more `joinRoom()` rejects with `RoomLimitError`
   * (room names usually come from clients, and each room costs server memory). Default 1024;
   * `Infinity` for no limit.
   */
  maxRoomsPerConnection: number;
  /**
   * Bytes of the upgrade request's line and headers; a larger handshake gets HTTP 431. A
   * connection keeps its headers for its whole life. Default 16 KiB (Node's own default).
   */
  maxHeaderBytes: number;
  /**
   * Minutes after which uWS closes any connection (1000, "please reconnect"), whatever it is
   * doing; 0 for no limit. The only time bound uWS 20.30 puts on an unfinished fragmented message,
   * which it otherwise keeps while the client answers pings. Default 0.
   */
  maxLifetimeMinutes: number;
  /**
   * Most values `receiveJson()` and `@OnMessage` accept in one JSON message: every member of an
   * object and every element of an array counts one, an empty object or array counts one. What
   * parsing, transforming and validating a message costs grows with it (class-transformer's with
   * the square of one object's keys); a longer text is counted before it is parsed. Default 4,096.
   */
  maxJsonValues: number;
}

export const DEFAULT_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  // Read when first asked for (by `new ProAPI()`), not at import: the descriptor limit of the process.
  get maxConnections(): number {
    return defaultMaxConnections();
  },
  maxPayloadLength: 1024 * 1024,
  maxQueuedMessages: 1024,
  maxQueuedBytes: 4 * 1024 * 1024,
  sendHighWaterMark: 256 * 1024,
  maxBackpressure: 4 * 1024 * 1024,
  closeOnBackpressureLimit: true,
  idleTimeoutSeconds: 120,
  shutdownTimeoutMs: 5_000,
  maxJsonDepth: 32,
  maxJsonLength: 1024 * 1024,
  acceptTimeoutMs: 10_000,
  maxRoomNameBytes: 256,
  maxRoomsPerConnection: 1024,
  maxHeaderBytes: 16 * 1024,
  maxLifetimeMinutes: 0,
  maxJsonValues: 4096,
});
