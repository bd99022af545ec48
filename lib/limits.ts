/** Limits and transport settings. Every limit has a default; each can be changed in `new ProAPI(options)`. */
export interface ConnectionLimits {
  /**
   * Largest inbound message in bytes; larger ones close the socket with 1009. Default 1 MiB.
   * (Beyond twice this size uWS v20.30 drops the TCP connection without a close frame: 1006.)
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
   * Buffered outbound bytes above which uWS drops messages to a slow receiver (sends and room
   * broadcasts alike; other receivers of a broadcast are not held back). Default 4 MiB.
   */
  maxBackpressure: number;
  /** Close a receiver whose buffer passes `maxBackpressure` instead of dropping its messages. Default false. */
  closeOnBackpressureLimit: boolean;
  /** Seconds without traffic before uWS closes the socket (pings are sent automatically). Default 120. */
  idleTimeoutSeconds: number;
  /** Open plus upgrading connections per process; more get HTTP 503. Default 100,000. */
  maxConnections: number;
  /** Milliseconds `app.close()` waits for handlers to finish after closing their sockets. Default 5,000. */
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
  // Issue 11 (hardening), one message's cost:
  /**
   * Most values `receiveJson()` and `@OnMessage` accept in one JSON message: every member of an
   * object and every element of an array counts one, an empty object or array counts one. What
   * parsing, transforming and validating a message costs grows with it (class-transformer's with
   * the square of one object's keys); a longer text is counted before it is parsed. Default 4,096.
   */
  maxJsonValues: number;
}

export const DEFAULT_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  maxPayloadLength: 1024 * 1024,
  maxQueuedMessages: 1024,
  maxQueuedBytes: 4 * 1024 * 1024,
  sendHighWaterMark: 256 * 1024,
  maxBackpressure: 4 * 1024 * 1024,
  closeOnBackpressureLimit: false,
  idleTimeoutSeconds: 120,
  maxConnections: 100_000,
  shutdownTimeoutMs: 5_000,
  maxJsonDepth: 32,
  maxJsonLength: 1024 * 1024,
  acceptTimeoutMs: 10_000,
  maxRoomNameBytes: 256,
  maxRoomsPerConnection: 1024,
  // Issue 11 (hardening):
  maxJsonValues: 4096,
});
