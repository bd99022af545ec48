import type { ClientApi } from './client-api.js';
import { resolveReconnect, type ReconnectOptions, type ResolvedReconnect } from './backoff.js';
import type { WebSocketConstructor } from './web-socket-like.js';

/** What a close tells the reconnect policy. */
export interface CloseEvent {
  readonly code: number;
  readonly reason: string;
  /** Whether the socket had opened (false: the attempt to connect failed). */
  readonly wasOpen: boolean;
}

/** Close codes after which the client reconnects by default: the server went away, restarted, failed, or the network did. */
export const RECONNECT_CODES: ReadonlySet<number> = new Set([1001, 1005, 1006, 1011, 1012, 1013, 1014]);

export interface BaseClientOptions {
  /** The `WebSocket` class. Default: the browser's; `proapi/client` in Node uses `ws`. */
  readonly WebSocket?: WebSocketConstructor;
  /** Subprotocols to offer, e.g. `['bearer', token]` for `AuthMiddleware`. A function is called before each attempt. */
  readonly protocols?: string | string[] | (() => string | string[]);
  /** Reconnect policy, or `false` to stay closed after a drop. */
  readonly reconnect?: ReconnectOptions | false;
  /**
   * Whether to reconnect after this close. Default: for the codes in {@link RECONNECT_CODES}, and
   * for every failed attempt to connect; not after a normal close (1000) or a policy close (1008, ...).
   */
  readonly shouldReconnect?: (close: CloseEvent) => boolean;
  /** How long a request waits for its reply, counted from the call (waiting for a connection included). Default 10,000 ms. */
  readonly requestTimeoutMs?: number;
  /** Messages that may wait for a connection (requests and sends). Default 100. */
  readonly maxQueuedMessages?: number;
  /** Bytes (UTF-8) that may wait for a connection. Default 1 MiB. */
  readonly maxQueuedBytes?: number;
  /** How long a `send()` may wait for a connection; older ones are dropped (and reported) instead of sent late. Default 10,000 ms. */
  readonly sendTimeoutMs?: number;
  /** Pushes one `for await` loop may fall behind before it fails. Default 1000. */
  readonly maxBufferedPushes?: number;
  /** Random numbers in [0, 1) for the reconnect jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Options of `createClient<Api>()`. When the gateway uses another `discriminator` or `idField`
 * than `type` and `id`, the API type says so, and these options must name it.
 */
export type ClientOptions<Api extends ClientApi> = BaseClientOptions &
  (Api['discriminator'] extends 'type' ? { readonly discriminator?: 'type' } : { readonly discriminator: Api['discriminator'] }) &
  (Api['idField'] extends 'id' ? { readonly idField?: 'id' } : { readonly idField: Api['idField'] });

/** `createClient()`'s options argument: optional unless the API type needs a `discriminator` or `idField`. */
export type ClientOptionsArgument<Api extends ClientApi> = {} extends ClientOptions<Api>
  ? [options?: ClientOptions<Api>]
  : [options: ClientOptions<Api>];

/** @internal */
export interface ClientSettings {
  readonly WebSocket: WebSocketConstructor;
  readonly protocols: (() => string | string[]) | undefined;
  readonly reconnect: ResolvedReconnect | null;
  readonly shouldReconnect: (close: CloseEvent) => boolean;
  readonly discriminator: string;
  readonly idField: string;
  readonly requestTimeoutMs: number;
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
  readonly sendTimeoutMs: number;
  readonly maxBufferedPushes: number;
  readonly random: () => number;
}

/** @internal */
export function resolveClientOptions(
  options: BaseClientOptions & { readonly discriminator?: string; readonly idField?: string },
): ClientSettings {
  const WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof WebSocket !== 'function') {
    throw new TypeError("no WebSocket class: pass { WebSocket } (in Node, import from 'proapi/client', which uses ws)");
  }
  const { protocols } = options;
  const settings: ClientSettings = {
    WebSocket,
    protocols: protocols === undefined ? undefined : typeof protocols === 'function' ? protocols : () => protocols,
    reconnect: resolveReconnect(options.reconnect),
    shouldReconnect: options.shouldReconnect ?? ((close) => !close.wasOpen || RECONNECT_CODES.has(close.code)),
    discriminator: options.discriminator ?? 'type',
    idField: options.idField ?? 'id',
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxQueuedMessages: options.maxQueuedMessages ?? 100,
    maxQueuedBytes: options.maxQueuedBytes ?? 1024 * 1024,
    sendTimeoutMs: options.sendTimeoutMs ?? 10_000,
    maxBufferedPushes: options.maxBufferedPushes ?? 1000,
    random: options.random ?? Math.random,
  };
  for (const key of ['requestTimeoutMs', 'maxQueuedMessages', 'maxQueuedBytes', 'sendTimeoutMs', 'maxBufferedPushes'] as const) {
    if (!(settings[key] >= 0)) throw new RangeError(`option ${key} must be a non-negative number, got ${String(settings[key])}`);
  }
  if (settings.discriminator === settings.idField) throw new RangeError('options discriminator and idField must differ');
  return settings;
}
