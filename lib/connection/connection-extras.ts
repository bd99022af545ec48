import type { CloseInfo } from './close-info';
import type { DrainWaiters } from './outbound';
import type { StageRunner } from './stage-runner';

/**
 * What few connections need, in one object allocated on first use: an idle connection carries
 * one null field instead of seven (idle connections are what a server has most of).
 */
export class ConnectionExtras<C> {
  stageRunner: StageRunner<C> | null = null;
  drainWaiters: DrainWaiters | null = null;
  closeWaiters: ((info: CloseInfo) => void)[] | null = null;
  /** Per connection, not per message: waiting for an async `@OnMessage` handler allocates no closure. */
  sinkRelease: (() => void) | null = null;
  sinkFailure: ((error: unknown) => void) | null = null;
  /** The sink's dispatch still running, if any. */
  inFlight: Promise<unknown> | null = null;
  /** What `accept()` without an argument answers. */
  preferredProtocol: string | undefined = undefined;
}
