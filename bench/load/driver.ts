import type { Plan } from '../config';
import { Histogram } from './histogram';
import type { Target } from './wire';

/** What the harness tells a load worker when it starts. */
export interface WorkerInit {
  readonly scenario: 'echo' | 'json' | 'fanout' | 'idle' | 'churn';
  readonly plan: Plan;
  readonly workerIndex: number;
  readonly workerCount: number;
  /** One Int32 slot per worker: deliveries so far (fan-out pacing across workers). */
  readonly shared: SharedArrayBuffer;
}

/** Whether a run delivered everything, exactly once, in order. */
export interface Verdict {
  readonly problems: string[];
}

export interface MarkResult {
  readonly count: number;
  readonly histogram?: Uint32Array;
}

/**
 * One scenario's traffic inside a load worker. The harness drives every worker through
 * setup → (start → markStart → markEnd → stop → verify)* → teardown, one target at a time.
 */
export abstract class Driver {
  protected readonly histogram = new Histogram();
  protected measuring = false;
  /** Messages (or cycles) completed since start, for the measured window's count. */
  protected count = 0;
  protected readonly problems: string[] = [];
  /** Set when the worker closes its own connections, so their closes are not reported as failures. */
  protected tearingDown = false;

  constructor(protected readonly init: WorkerInit) {}

  abstract setup(targets: readonly Target[]): Promise<void>;
  abstract start(targetId: string): void;
  /** Stops new traffic; returns how many messages this worker published (fan-out) or sent. */
  abstract stop(targetId: string): number;
  /** Waits for in-flight traffic and checks delivery; `sent` is the total over all workers. */
  abstract verify(targetId: string, sent: number): Promise<Verdict>;
  abstract teardown(): Promise<void>;

  markStart(): MarkResult {
    this.histogram.counts.fill(0);
    this.measuring = true;
    return { count: this.count };
  }

  markEnd(): MarkResult {
    this.measuring = false;
    return { count: this.count, histogram: this.histogram.counts.slice() };
  }

  /** Records a problem once per kind, with a count, so a broken run reports briefly. */
  protected problem(message: string): void {
    if (this.problems.length < 20) this.problems.push(message);
  }

  protected takeVerdict(): Verdict {
    const problems = this.problems.splice(0);
    return { problems };
  }

  /** How many of `total` items (connections, members) this worker owns: indices i with i % workers === index. */
  protected localIndices(total: number): number[] {
    const mine: number[] = [];
    for (let i = this.init.workerIndex; i < total; i += this.init.workerCount) mine.push(i);
    return mine;
  }
}

/** Resolves when `done()` is true, re-checking on `poke()` and every 20 ms, or gives up after `timeoutMs`. */
export function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const started = Date.now();
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve(true);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        resolve(false);
      }
    }, 20);
  });
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inBatches<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]);
  });
  await Promise.all(lanes);
}

/** The small JSON object of the JSON-echo scenario; `type` is what @OnMessage dispatches on. */
export function jsonDocument(seq: number, conn: number): string {
  return `{"type":"json","seq":${seq},"conn":${conn},"name":"bench","tags":["a","b","c"],"ok":true}`;
}
