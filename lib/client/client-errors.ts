/** The `error` codes ProAPI's own error frames use; your `WsException`s add their own. */
export type KnownServerErrorCode =
  | 'validation'
  | 'unknown_type'
  | 'invalid_json'
  | 'internal'
  | 'invalid_room'
  | 'message_too_large'
  | 'queue_overflow';

/** One failed constraint of a `validation` error: the property (dotted for nested DTOs) and its messages. */
export interface ValidationIssue {
  readonly property: string;
  readonly constraints?: Readonly<Record<string, string>>;
}

/** An error frame as the server sends it: `{ type: 'error', error, id?, message, details?, data? }`. */
export interface ErrorFrame {
  readonly error: string;
  readonly message: string;
  readonly details?: unknown;
  readonly data?: unknown;
  readonly [field: string]: unknown;
}

/** Why the client failed a call: see each subclass. `code` tells them apart without `instanceof`. */
export abstract class ClientError extends Error {
  abstract readonly code: 'server' | 'timeout' | 'connection_lost' | 'closed' | 'queue_full' | 'protocol';
}

/**
 * The server answered with an error frame. `error` is its code (`validation`, `unknown_type`, ...,
 * or a `WsException`'s own), `details` the validation issues, `data` a `WsException`'s data.
 * @example
 * try { await client.request('message', { content: '' }); }
 * catch (e) { if (e instanceof ServerError && e.error === 'validation') showIssues(e.issues); }
 */
export class ServerError extends ClientError {
  override name = 'ServerError';
  readonly code = 'server' as const;
  /** The frame's `error` field. */
  readonly error: KnownServerErrorCode | (string & {});
  /** The validation issues of a `validation` error (else empty). */
  readonly issues: readonly ValidationIssue[];
  /** The frame as received. */
  readonly frame: ErrorFrame;
  /** The message type of the request it answers, if it answers one. */
  readonly requestType: string | undefined;

  constructor(frame: ErrorFrame, requestType?: string) {
    super(`${frame.error}: ${frame.message}`);
    this.error = frame.error;
    this.frame = frame;
    this.requestType = requestType;
    this.issues = Array.isArray(frame.details) && frame.error === 'validation' ? (frame.details as ValidationIssue[]) : [];
  }

  /** A `WsException`'s `data`, if it had some. */
  get data(): unknown {
    return this.frame.data;
  }
}

/** No reply came within the request's timeout (counted from the call, waiting for a connection included). */
export class RequestTimeoutError extends ClientError {
  override name = 'RequestTimeoutError';
  readonly code = 'timeout' as const;

  constructor(
    readonly requestType: string,
    readonly timeoutMs: number,
    /** False when it timed out still queued, waiting for a connection: the server never saw it. */
    readonly sent: boolean,
  ) {
    super(`no reply to "${requestType}" within ${timeoutMs} ms${sent ? '' : ' (never sent: the client was not connected)'}`);
  }
}

/**
 * The connection dropped while a request waited for its reply (the server may or may not have
 * handled it: requests are not sent again), or the client gave up reconnecting.
 */
export class ConnectionLostError extends ClientError {
  override name = 'ConnectionLostError';
  readonly code = 'connection_lost' as const;

  constructor(
    message: string,
    readonly closeCode: number,
    readonly closeReason: string,
  ) {
    super(message);
  }
}

/** The client was closed with `close()` before this could be sent or answered. */
export class ClientClosedError extends ClientError {
  override name = 'ClientClosedError';
  readonly code = 'closed' as const;

  constructor(what: string) {
    super(`${what}: the client is closed`);
  }
}

/**
 * A bounded queue is full: messages waiting for a connection (`maxQueuedMessages`,
 * `maxQueuedBytes`), or pushes waiting for a `for await` loop that fell behind (`maxBufferedPushes`).
 */
export class QueueFullError extends ClientError {
  override name = 'QueueFullError';
  readonly code = 'queue_full' as const;
}

/** The server sent something the client cannot read: a binary frame, or text that is not a JSON object. */
export class ClientProtocolError extends ClientError {
  override name = 'ClientProtocolError';
  readonly code = 'protocol' as const;
}
