import { runLoopHandler, type LoopHandler } from '../connection/connection-runner';
import type { RouteRun } from './route';

/** A loop-style handler (a function route, or a gateway's `@OnConnect` without `@OnMessage`) as a route runs it. */
export function loopRun(handler: LoopHandler, where: string): RouteRun {
  return (ws, finish) => runLoopHandler(ws, handler, where, finish);
}
