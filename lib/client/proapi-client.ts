import type { AnyApi, ClientApi, MessageType, PayloadOf, PushMessage, PushType, ReplyOf } from './client-api.js';
import {
  ClientClosedError,
  ClientProtocolError,
  ConnectionLostError,
  RequestTimeoutError,
  ServerError,
  type ClientError,
  type ErrorFrame,
} from './client-errors.js';
import { Listeners, type ClientEventListener, type ClientEventName, type ClientEvents } from './client-events.js';
import type { ClientSettings } from './client-options.js';
import { Outbox, utf8Bytes } from './outbox.js';
import { PendingRequests } from './pending-requests.js';
import { PushStream } from './push-stream.js';
import { ReconnectingSocket, type ClientStatus, type SocketUser } from './reconnecting-socket.js';
import { encodeFrame, isReplyShaped, preview } from './wire.js';

/** Options of one request. */
export interface RequestOptions {
  /** Overrides the client's `requestTimeoutMs` for this request. */
  readonly timeoutMs?: number;
}

/**
 * A WebSocket client for a ProAPI gateway: requests matched to their replies by id, fire-and-forget
 * sends, server pushes by type or in a `for await` loop, and reconnection. Build it with
 * `createClient()`.
 */
export class ProAPIClient<Api extends ClientApi = AnyApi> implements AsyncIterable<PushMessage<Api>> {
  private readonly events = new Listeners<ClientEvents>((error) => this.report(error));
  private readonly pushListeners = new Listeners<Record<string, unknown>>((error) => this.report(error));
  private readonly pending = new PendingRequests();
  private readonly outbox: Outbox;
  private readonly streams = new Set<PushStream<PushMessage<Api>>>();
  private readonly socket: ReconnectingSocket;
  private nextId = 1;
  private reporting = false;
  private stopError: ClientError | undefined;

  /** @internal Use `createClient()`. */
  constructor(url: string | (() => string), private readonly settings: ClientSettings) {
    this.outbox = new Outbox(settings.maxQueuedMessages, settings.maxQueuedBytes);
    const user: SocketUser = {
      opened: () => this.flush(),
      received: (data) => this.receive(data),
      dropped: (code, reason) => this.dropped(code, reason),
      stopped: (error) => this.stopped(error),
    };
    this.socket = new ReconnectingSocket(typeof url === 'string' ? () => url : url, settings, this.events, user);
    this.socket.start();
  }

  /** `connecting` (first attempt), `open`, `reconnecting` (waiting between attempts) or `closed`. */
  get status(): ClientStatus {
    return this.socket.status;
  }

  /**
   * Sends a message and resolves with the `data` of its reply. Rejects with `ServerError` when the
   * server answers with an error frame (`validation`, `unknown_type`, ...), `RequestTimeoutError`
   * after `timeoutMs`, `ConnectionLostError` if the connection drops before the reply, and
   * `QueueFullError` / `ClientClosedError` when it cannot be sent at all.
   * @example
   * const page = await client.request('history', { limit: 20 });
   */
  request<K extends MessageType<Api>>(type: K, data: PayloadOf<Api, K>, options: RequestOptions = {}): Promise<ReplyOf<Api, K>> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.socket.status === 'closed') return reject(this.closedError(`request "${type}"`));
      const id = this.nextId++;
      const text = encodeFrame(this.settings, type, data, id);
      const timeoutMs = options.timeoutMs ?? this.settings.requestTimeoutMs;
      const timer = setTimeout(() => {
        const request = this.pending.take(id);
        if (request === undefined) return;
        if (!request.sent) this.outbox.remove(id);
        reject(new RequestTimeoutError(type, timeoutMs, request.sent));
      }, timeoutMs);
      const request = { type, resolve, reject, timer, sent: true };
      this.pending.add(id, request);
      if (this.socket.send(text)) return;
      request.sent = false;
      const full = this.outbox.add({ text, bytes: utf8Bytes(text), type, requestId: id, expiresAt: Infinity });
      if (full !== null) {
        this.pending.take(id);
        reject(full);
      }
    }) as Promise<ReplyOf<Api, K>>;
  }

  /**
   * Sends a message without waiting for an answer. While the client is not connected it waits in
   * the queue (bounded; older than `sendTimeoutMs`, it is dropped and reported as an `error`
   * event). Throws `QueueFullError` when the queue is full and `ClientClosedError` after `close()`.
   * @example
   * client.send('message', { content: 'hello' });
   */
  send<K extends MessageType<Api>>(type: K, data: PayloadOf<Api, K>): 'sent' | 'queued' {
    if (this.socket.status === 'closed') throw this.closedError(`send "${type}"`);
    const text = encodeFrame(this.settings, type, data, undefined);
    if (this.socket.send(text)) return 'sent';
    const expiresAt = Date.now() + this.settings.sendTimeoutMs;
    const full = this.outbox.add({ text, bytes: utf8Bytes(text), type, requestId: null, expiresAt });
    if (full !== null) throw full;
    return 'queued';
  }

  /**
   * Calls `listener` with each push of this type; returns the function that removes it.
   * @example
   * const off = client.on('system', (notice) => show(notice.message));
   */
  on<K extends PushType<Api>>(type: K, listener: (message: PushMessage<Api, K>) => void): () => void {
    return this.pushListeners.add(type, listener as (message: unknown) => void);
  }

  /**
   * Listens to the connection's lifecycle: `connected`, `disconnected` (code, reason),
   * `reconnecting` (attempt, delay), `closed`, and `error`.
   * @example
   * client.onEvent('disconnected', ({ code, reason }) => console.warn(`lost the server: ${code} ${reason}`));
   */
  onEvent<E extends ClientEventName>(name: E, listener: ClientEventListener<E>): () => void {
    return this.events.add(name, listener);
  }

  /**
   * The pushes from now on, as an async iterator: for a `for await` loop, which ends when the
   * client closes (and throws if it gave up reconnecting). Each loop gets every push.
   */
  messages(): AsyncIterableIterator<PushMessage<Api>> {
    const stream = new PushStream<PushMessage<Api>>(this.settings.maxBufferedPushes, (s) => this.streams.delete(s));
    if (this.socket.status === 'closed') stream.end(this.stopError);
    else this.streams.add(stream);
    return stream;
  }

  [Symbol.asyncIterator](): AsyncIterator<PushMessage<Api>> {
    return this.messages();
  }

  /** Resolves once the client is connected (at once if it is); rejects if it closes first or after `timeoutMs`. */
  whenConnected(timeoutMs = this.settings.requestTimeoutMs): Promise<void> {
    if (this.socket.status === 'open') return Promise.resolve();
    if (this.socket.status === 'closed') return Promise.reject(this.closedError('whenConnected()'));
    return new Promise((resolve, reject) => {
      const settle = (error: Error | null): void => {
        clearTimeout(timer);
        offConnected();
        offClosed();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => settle(new ConnectionLostError(`not connected within ${timeoutMs} ms`, 1006, '')), timeoutMs);
      const offConnected = this.events.add('connected', () => settle(null));
      const offClosed = this.events.add('closed', () => settle(this.closedError('whenConnected()')));
    });
  }

  /**
   * Closes the connection for good (no reconnect): queued and pending requests reject with
   * `ClientClosedError`. `code` is 1000 or 3000-4999 and `reason` at most 123 bytes, as browsers
   * require of a client (anything else throws a RangeError here, in Node too).
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
      throw new RangeError(`close code ${code}: a client may close with 1000 or 3000-4999`);
    }
    if (utf8Bytes(reason) > 123) throw new RangeError('close reason: at most 123 bytes of UTF-8');
    return this.socket.close(code, reason);
  }

  private flush(): void {
    const now = Date.now();
    const queued = this.outbox.takeAll();
    for (let i = 0; i < queued.length; i++) {
      const frame = queued[i];
      if (frame.expiresAt < now) {
        this.report(new RequestTimeoutError(frame.type, this.settings.sendTimeoutMs, false));
        continue;
      }
      if (!this.socket.send(frame.text)) {
        // Closed again at once (by a listener): the rest waits for the next connection.
        for (const rest of queued.slice(i)) this.outbox.add(rest);
        return;
      }
      if (frame.requestId !== null) {
        const request = this.pending.get(frame.requestId);
        if (request) request.sent = true;
      }
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.report(new ClientProtocolError('the server sent a binary frame; this client reads JSON text only'));
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      this.report(new ClientProtocolError(`the server sent text that is not JSON: ${preview(data)}`));
      return;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.report(new ClientProtocolError(`the server sent JSON that is not an object: ${preview(data)}`));
      return;
    }
    const fields = frame as Record<string, unknown>;
    const { discriminator, idField } = this.settings;
    const type = fields[discriminator];
    const id = fields[idField];
    const request = this.pending.get(id);
    // A push may carry an `id` of its own: a reply is only what has the request's type and nothing but type, id and data.
    if (request !== undefined && (type === 'error' || (type === request.type && isReplyShaped(fields, discriminator, idField)))) {
      this.pending.take(id);
      if (type === 'error') request.reject(new ServerError(fields as ErrorFrame, request.type));
      else request.resolve(fields.data);
    } else if (typeof id === 'number' && id < this.nextId && (type === 'error' || isReplyShaped(fields, discriminator, idField))) {
      // The answer to a request that timed out: nobody waits for it any more.
    } else if (type === 'error') {
      this.report(new ServerError(fields as ErrorFrame));
    } else if (typeof type === 'string') {
      this.pushListeners.emit(type, fields);
      for (const stream of this.streams) stream.push(fields as PushMessage<Api>);
    } else {
      this.report(new ClientProtocolError(`the server sent a message without a "${discriminator}": ${preview(data)}`));
    }
  }

  private dropped(code: number, reason: string): void {
    const why = reason ? `${code} ${reason}` : String(code);
    this.pending.rejectWhere(
      (request) => request.sent,
      (request) => new ConnectionLostError(`the connection closed (${why}) before the reply to "${request.type}"`, code, reason),
    );
  }

  private stopped(error: ClientError | undefined): void {
    this.stopError = error;
    const why = (what: string): Error => error ?? this.closedError(what);
    this.pending.rejectWhere(
      () => true,
      (request) => why(`request "${request.type}"`),
    );
    // After close() the queued sends are simply dropped; after giving up, each is reported.
    for (const queued of this.outbox.takeAll()) {
      if (error && queued.requestId === null) this.report(why(`send "${queued.type}"`));
    }
    for (const stream of [...this.streams]) stream.end(error);
  }

  private closedError(what: string): ClientError {
    return this.stopError ?? new ClientClosedError(what);
  }

  private report(error: unknown): void {
    if (this.reporting || !this.events.has('error')) {
      console.error(error);
      return;
    }
    this.reporting = true;
    try {
      this.events.emit('error', error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.reporting = false;
    }
  }
}
