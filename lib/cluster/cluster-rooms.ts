import type { Payload } from '../connection/message';
import type { AppStats } from '../instrumentation/stats';
import type { Logger } from '../logger';
import type { Question, ToWorker } from './control';
import { ownBytes } from './own-bytes';
import { DEFAULT_MESH_LIMITS, roomMessageBytes } from './peer-link';
import { PendingWindow } from './pending-window';
import type { WorkerHandle } from './worker-handle';

export interface ClusterRoomsOptions {
  /** A broker beyond the process: each worker is a node of it. */
  readonly viaBroker: boolean;
  /** How long a worker waits for the others; the main thread waits twice that for the one it asked. */
  readonly workerTimeoutMs: number;
  readonly logger: Logger;
}

interface Waiting {
  readonly worker: WorkerHandle;
  readonly question: Question;
  readonly room: string;
  readonly resolve: (value: unknown) => void;
  /** Workers asked so far for this question. */
  readonly tried: Set<WorkerHandle>;
  readonly timer: NodeJS.Timeout;
}

type Publish = Extract<ToWorker, { type: 'publish' }>;

/**
 * The app's rooms and stats as the main thread of a fast-mode app reaches them. It serves no
 * connection. A broadcast goes to every serving worker, each handing it to its own members; with
 * a broker beyond the process (`viaBroker`), where each worker is a node of that broker, it goes
 * to one serving worker, which publishes it as its own (the broker brings it to the others). A
 * question goes to one serving worker, which answers for the whole app; one that does not answer
 * in time (a blocked event loop) is passed over for another until it answers again.
 *
 * What a worker has not acknowledged of the broadcasts sent to it is bounded like a worker's
 * links to its peers: past the bound, and while no worker serves (`viaBroker`), a broadcast is
 * not forwarded, and counted in the `notForwarded` of the next worker that serves.
 */
export class ClusterRooms {
  private readonly waiting = new Map<number, Waiting>();
  private readonly windows = new Map<WorkerHandle, PendingWindow>();
  /** Workers that did not answer a question in time, and have not answered since. */
  private readonly silent = new Set<WorkerHandle>();
  private nextToken = 1;
  /** Broadcasts not forwarded that no worker has counted yet. */
  private uncounted = 0;
  /** Broadcasts dropped since the last worker stopped serving (`viaBroker`). */
  private droppedWithoutWorkers = 0;
  private handOverScheduled = false;
  private readonly expire = (token: number): void => this.expired(token);
  private readonly handOverLater = (): void => {
    this.handOverScheduled = false;
    this.handOverUncounted();
  };

  constructor(
    private readonly workers: () => Iterable<WorkerHandle>,
    private readonly options: ClusterRoomsOptions,
  ) {}

  publish(room: string, data: Payload, isBinary: boolean): void {
    const message: Publish = { type: 'publish', room, data: ownBytes(data), isBinary, forward: this.options.viaBroker };
    const bytes = roomMessageBytes(room, message.data);
    if (this.options.viaBroker) {
      const worker = this.firstReady();
      if (worker) this.post(worker, message, bytes);
      else this.droppedWithoutWorker();
    } else {
      for (const worker of this.workers()) if (worker.state === 'ready') this.post(worker, message, bytes);
    }
    if (this.uncounted > 0 && !this.handOverScheduled) {
      // Once per event-loop turn, however many broadcasts were dropped in it.
      this.handOverScheduled = true;
      setImmediate(this.handOverLater);
    }
  }

  /** The worker handled `frames` broadcasts of `bytes` bytes sent to it. */
  delivered(worker: WorkerHandle, frames: number, bytes: number): void {
    this.windows.get(worker)?.acknowledged(frames, bytes);
    this.handOverUncounted();
  }

  workerReady(worker: WorkerHandle): void {
    this.windows.set(worker, new PendingWindow(`worker ${worker.id}`, DEFAULT_MESH_LIMITS, this.options.logger));
    if (this.droppedWithoutWorkers > 0) {
      this.options.logger.warn({ dropped: this.droppedWithoutWorkers }, `fast mode: a worker serves again; ${this.droppedWithoutWorkers} main-thread broadcasts were dropped meanwhile`);
      this.droppedWithoutWorkers = 0;
    }
    this.handOverUncounted();
  }

  async size(room: string): Promise<number> {
    return ((await this.ask('size', room)) as number | undefined) ?? 0;
  }

  async rooms(): Promise<string[]> {
    return ((await this.ask('rooms', '')) as string[] | undefined) ?? [];
  }

  /** The app's stats, or undefined while no worker serves (or answers). */
  async stats(): Promise<AppStats | undefined> {
    return (await this.ask('stats', '')) as AppStats | undefined;
  }

  answered(worker: WorkerHandle, token: number, value: unknown): void {
    if (this.silent.delete(worker)) this.options.logger.warn({ worker: worker.id }, `fast mode: worker ${worker.id} answers the main thread again`);
    const waiting = this.waiting.get(token);
    if (waiting?.worker !== worker) return;
    this.waiting.delete(token);
    clearTimeout(waiting.timer);
    waiting.resolve(value);
  }

  /** A worker ended before it answered: another one is asked. */
  workerGone(worker: WorkerHandle): void {
    this.windows.delete(worker);
    this.silent.delete(worker);
    for (const [token, waiting] of this.waiting) {
      if (waiting.worker !== worker) continue;
      this.waiting.delete(token);
      clearTimeout(waiting.timer);
      this.send(waiting.question, waiting.room, waiting.resolve, waiting.tried);
    }
  }

  private post(worker: WorkerHandle, message: Publish, bytes: number): void {
    const window = this.windows.get(worker);
    if (window && !window.fits(bytes)) {
      this.uncounted++;
      return;
    }
    window?.add(bytes);
    worker.send(message);
  }

  private droppedWithoutWorker(): void {
    this.uncounted++;
    if (this.droppedWithoutWorkers++ > 0) return;
    this.options.logger.warn(
      'fast mode: app.broadcast*() in the main thread while no worker serves: not forwarded (counted in app.stats().notForwarded once a worker serves)',
    );
  }

  /**
   * Counts what was not forwarded in the `notForwarded` of a serving worker that answers and keeps
   * up with its broadcasts; none such, it stays here until one does (a lagging worker's port is
   * what the drops protect, so it is sent nothing more).
   */
  private handOverUncounted(): void {
    if (this.uncounted === 0) return;
    const worker = this.pick(new Set());
    if (!worker || this.windows.get(worker)?.lagging === true) return;
    worker.send({ type: 'not-forwarded', count: this.uncounted });
    this.uncounted = 0;
  }

  /** The longest-serving ready worker: the main thread's broadcasts keep their order through it. */
  private firstReady(): WorkerHandle | undefined {
    for (const worker of this.workers()) if (worker.state === 'ready') return worker;
    return undefined;
  }

  /**
   * The longest-serving ready worker not asked yet that has not gone silent, one that keeps up with
   * its broadcasts first (so it is also the one {@link handOverUncounted} chose, and its port
   * brings the count before the question).
   */
  private pick(tried: ReadonlySet<WorkerHandle>): WorkerHandle | undefined {
    let lagging: WorkerHandle | undefined;
    for (const worker of this.workers()) {
      if (worker.state !== 'ready' || tried.has(worker) || this.silent.has(worker)) continue;
      if (this.windows.get(worker)?.lagging !== true) return worker;
      lagging ??= worker;
    }
    return lagging;
  }

  private ask(question: Question, room: string): Promise<unknown> {
    return new Promise((resolve) => this.send(question, room, resolve, new Set()));
  }

  private send(question: Question, room: string, resolve: (value: unknown) => void, tried: Set<WorkerHandle>): void {
    // What was dropped before this question is in the stats that answer it.
    this.handOverUncounted();
    const worker = this.pick(tried);
    if (!worker) return resolve(undefined);
    tried.add(worker);
    const token = this.nextToken++;
    // The worker may itself wait workerTimeoutMs for a silent peer before it answers.
    const timer = setTimeout(this.expire, 2 * this.options.workerTimeoutMs, token).unref();
    this.waiting.set(token, { worker, question, room, resolve, tried, timer });
    worker.send({ type: 'ask', token, question, room });
  }

  private expired(token: number): void {
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    if (!this.silent.has(waiting.worker)) {
      this.silent.add(waiting.worker);
      this.options.logger.warn(
        { worker: waiting.worker.id, question: waiting.question, waitedMs: 2 * this.options.workerTimeoutMs },
        `fast mode: worker ${waiting.worker.id} did not answer the main thread in time (a blocked event loop?); asking the other workers until it answers again`,
      );
    }
    this.send(waiting.question, waiting.room, waiting.resolve, waiting.tried);
  }
}
