import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Plan } from '../config';
import type { MarkResult, Verdict, WorkerInit } from '../load/driver';
import { Histogram } from '../load/histogram';
import type { WorkerCommand } from '../load/load.worker';
import type { Target } from '../load/wire';

/** The harness's handle on the load-generator threads of one scenario. */
export class LoadClient {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
        const call = this.pending.get(id);
        this.pending.delete(id);
        if (error !== undefined) call?.reject(new Error(error));
        else call?.resolve(result);
      });
      worker.on('error', (error) => {
        for (const call of this.pending.values()) call.reject(error);
        this.pending.clear();
      });
    }
  }

  static create(scenario: WorkerInit['scenario'], plan: Plan, workerCount: number): LoadClient {
    const shared = new SharedArrayBuffer(4 * workerCount);
    const script = path.join(__dirname, '..', 'load', 'load.worker.js');
    const workers = Array.from(
      { length: workerCount },
      (_, workerIndex) =>
        new Worker(script, { workerData: { scenario, plan, workerIndex, workerCount, shared } satisfies WorkerInit }),
    );
    return new LoadClient(workers);
  }

  setup(targets: Target[]): Promise<void> {
    return this.all({ cmd: 'setup', targets }).then(() => undefined);
  }

  start(target: string): Promise<void> {
    return this.all({ cmd: 'start', target }).then(() => undefined);
  }

  async mark(which: 'markStart' | 'markEnd'): Promise<{ count: number; histogram: Histogram }> {
    const results = (await this.all({ cmd: which })) as MarkResult[];
    const histogram = new Histogram();
    let count = 0;
    for (const result of results) {
      count += result.count;
      if (result.histogram) histogram.merge(new Histogram(result.histogram));
    }
    return { count, histogram };
  }

  /** Stops traffic, then waits for what is in flight and collects every worker's delivery problems. */
  async stopAndVerify(target: string): Promise<string[]> {
    const sent = ((await this.all({ cmd: 'stop', target })) as number[]).reduce((a, b) => a + b, 0);
    const verdicts = (await this.all({ cmd: 'verify', target, sent })) as Verdict[];
    return verdicts.flatMap((v) => v.problems);
  }

  async open(count: number): Promise<void> {
    await this.all({ cmd: 'open', count });
  }

  /** Closes every connection the workers hold; the workers stay up for the next setup. */
  async teardown(): Promise<void> {
    await this.all({ cmd: 'teardown' });
  }

  async close(): Promise<void> {
    await this.teardown().catch(() => undefined);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private all(command: WorkerCommand): Promise<unknown[]> {
    return Promise.all(this.workers.map((worker) => this.call(worker, command)));
  }

  private call(worker: Worker, command: WorkerCommand): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, command });
    });
  }
}
