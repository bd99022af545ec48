import type { ClientError } from './client-errors.js';

/** What the client tells about its connection, through `client.onEvent(name, listener)`. */
export interface ClientEvents {
  /** The socket opened: the first time, or again after a drop (`reconnected`). Queued messages have gone out just before. */
  connected: { readonly url: string; readonly reconnected: boolean };
  /** An open connection closed, with the close frame's code and reason (1006: no close frame). */
  disconnected: { readonly code: number; readonly reason: string; readonly willReconnect: boolean };
  /** Attempt number `attempt` (from 1) starts in `delayMs`; `code` and `reason` are why the last one ended. */
  reconnecting: { readonly attempt: number; readonly delayMs: number; readonly code: number; readonly reason: string };
  /** The client stopped for good: `close()` was called (no `error`), or it gave up reconnecting. */
  closed: { readonly error?: ClientError };
  /**
   * Something arrived that no request or listener could take: an error frame without a request id
   * (e.g. `invalid_json` after a `send()`), a frame that is not a JSON object, a queued `send()`
   * that expired, or a push listener that threw. Without a listener it goes to `console.error`.
   */
  error: ClientError | Error;
}

export type ClientEventName = keyof ClientEvents;
export type ClientEventListener<E extends ClientEventName> = (event: ClientEvents[E]) => void;

/** Listeners by name; each registration returns its own removal. A listener that throws is reported, and the others still run. */
export class Listeners<Events extends object> {
  private readonly byName = new Map<keyof Events, Set<(event: never) => void>>();

  constructor(private readonly report: (error: unknown) => void) {}

  add<E extends keyof Events>(name: E, listener: (event: Events[E]) => void): () => void {
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  has(name: keyof Events): boolean {
    return (this.byName.get(name)?.size ?? 0) > 0;
  }

  emit<E extends keyof Events>(name: E, event: Events[E]): void {
    const set = this.byName.get(name);
    if (!set || set.size === 0) return;
    for (const listener of [...set] as ((event: Events[E]) => void)[]) {
      try {
        listener(event);
      } catch (error) {
        this.report(error);
      }
    }
  }
}
