/**
 * Hooks into what the server does, for metrics and tracing. Every hook is optional and costs
 * nothing while no registered instrumentation defines it. Hooks run synchronously on the hot
 * path: keep them to counter increments, and never throw (a throw is logged and ignored).
 * `route` is the route's declared path (`/chat/:room`), never the request's, so it is safe as a
 * metric label.
 * @example
 * const app = new ProAPI({
 *   instrumentation: { messageIn: (route, bytes) => inBytes.inc({ route }, bytes) },
 * });
 */
export interface Instrumentation {
  /** A connection completed its upgrade. */
  connectionOpened?(route: string): void;
  /** An open connection closed, either side, with this code (1006: no close frame). */
  connectionClosed?(route: string, code: number): void;
  /** An upgrade request was answered with an HTTP error status; `route` is null when no route matched (404). */
  upgradeRefused?(route: string | null, status: number): void;
  /** A message arrived, `bytes` as on the wire. */
  messageIn?(route: string, bytes: number): void;
  /** A frame was handed to one connection's socket (sends and replies; not room broadcasts). */
  messageOut?(route: string, bytes: number): void;
  /** An `@OnMessage` handler finished (its promise settled), `ms` after dispatch began. */
  handlerDuration?(route: string, type: string, ms: number): void;
  /** An error was answered: `code` is the wire code (`validation`, `internal`, ...); `route` null outside a connection. */
  error?(route: string | null, code: string): void;
  /**
   * A room message was published from this process: `receivers` counts this process's sockets it
   * was handed to (the sender only with the `*ToAll` variants), or is undefined when not known.
   */
  broadcast?(room: string, bytes: number, receivers: number | undefined): void;
}

export type InstrumentationHook = keyof Instrumentation;
