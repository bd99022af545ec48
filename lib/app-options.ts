import type { Middleware } from './middleware/web-socket-middleware';
import type { AllowedOrigins } from './routing/allowed-origins';

export interface RunOptions {
  /** Default: `PORT` from the environment, else 8000. */
  port?: number;
  /** Default: `HOST` from the environment, else `0.0.0.0`. */
  host?: string;
  /**
   * Fast mode: one worker thread per core, all serving the port, rooms shared between them. Each
   * worker re-runs the program's entry file, which builds the app and calls `run()` there too
   * (see the README's Fast mode section).
   */
  fast?: boolean;
  /** Worker threads in fast mode. Default: `os.availableParallelism()` on Linux, 1 elsewhere. */
  workers?: number;
  /**
   * Fast mode: how long a join, a room query, `app.stats()` or a metrics scrape waits for each
   * other worker, in ms; one whose event loop is blocked is then left out (logged). Default 5,000.
   */
  workerTimeoutMs?: number;
}

/** Options of a function-style route. */
export interface WebSocketRouteOptions {
  /** Middleware for this route, run after the app's global middleware, in this order. */
  middlewares?: readonly Middleware[];
  /** Pages (the `Origin` a browser sends) that may open this route, instead of the app's `allowedOrigins`; others get HTTP 403. */
  allowedOrigins?: AllowedOrigins;
}
