import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Broker } from '../broker/broker';
import { WorkerBroker } from '../broker/worker.broker';
import type { Payload } from '../connection/message';
import type { AppStats } from '../instrumentation/stats';
import type { Logger } from '../logger';
import type { MetricsSnapshot } from '../metrics/metrics-options';
import { mergeWorkerStats, type WorkerStats } from './cluster-stats';
import { WORKER_DATA_KEY, type FromWorker, type Question, type ToWorker, type WorkerBoot } from './control';
import { roomMessageBytes } from './peer-link';
import { PeerMesh } from './peer-mesh';
import { usesWorkerBroker } from './worker-broker-rule';

/** What a fast-mode worker needs of the app it serves. */
export interface WorkerApp {
  readonly logger: Logger;
  /** Replaces the app's broker before it listens. */
  swapBroker(choose: (current: Broker) => Broker): void;
  /** Listens without the check for another process on the port: the workers share it on purpose. */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
  /** Drops every connection at once (clients see 1006); a thread must not end with uWS sockets open. */
  abort(): void;
  /** This worker's counters and rooms. */
  localStats(): AppStats;
  /** Hands a room message to this worker's members of `room` only. */
  deliver(room: string, data: Payload, isBinary: boolean): void;
  /** Counts room messages that could not be forwarded (the main thread's, dropped there). */
  notForwarded(count: number): void;
  /** Publishes a room message as a broadcast of this worker: its members, and the broker's other nodes. */
  publish(room: string, data: Payload, isBinary: boolean): void;
  roomSize(room: string): Promise<number>;
  rooms(): Promise<string[]>;
  /** This worker's Prometheus metrics, when the app has them on. */
  metricsSnapshot(): Promise<MetricsSnapshot> | null;
}

let thisThread: FastWorker | null | undefined;
/** How long a crashed worker waits for its logger to write what it was given before the thread ends. */
const LOG_FLUSH_MS = 1000;

/** The fast-mode worker this thread is, or null (the main thread, or a thread fast mode did not start). */
export function fastWorker(): FastWorker | null {
  if (thisThread === undefined) {
    const boot = isMainThread ? undefined : (workerData as Record<string, WorkerBoot> | null)?.[WORKER_DATA_KEY];
    thisThread = boot && parentPort ? new FastWorker(boot, parentPort) : null;
  }
  return thisThread;
}

/**
 * One worker thread of a fast-mode app: the app built by re-running the program's entry, linked to
 * the other workers, serving the shared port until the main thread says stop (or it crashes).
 */
export class FastWorker {
  private app: WorkerApp | null = null;
  private mesh: PeerMesh | null = null;
  private introduced: ((message: Extract<ToWorker, { type: 'introduce' }>) => void) | null = null;
  private readonly onControl = (message: ToWorker): void => this.control(message);
  private readonly onCrash = (error: unknown): void => this.crash(error);
  private readonly onExit = (): void => this.app?.abort();
  private crashed = false;
  /** The main thread's broadcasts handled and not yet acknowledged (one acknowledgement per event-loop turn). */
  private delivered = { frames: 0, bytes: 0 };
  private readonly acknowledge = (): void => {
    this.send({ type: 'delivered', ...this.delivered });
    this.delivered = { frames: 0, bytes: 0 };
  };

  constructor(
    readonly boot: WorkerBoot,
    private readonly main: MessagePort,
  ) {}

  get id(): number {
    return this.boot.id;
  }

  /** Serves `app` as this worker; resolves with the port once it accepts connections. */
  async serve(app: WorkerApp): Promise<number> {
    if (this.app) throw new Error('fast mode serves one app per program: app.run() was called twice in this worker');
    this.app = app;
    const mesh = (this.mesh = new PeerMesh(this.id, app.logger, { answerTimeoutMs: this.boot.answerTimeoutMs }));
    app.swapBroker((current) => (usesWorkerBroker(current) ? new WorkerBroker(mesh) : current));
    mesh.answer('stats', (): WorkerStats => ({ id: this.id, stats: app.localStats() }));
    mesh.answer('metrics', () => app.metricsSnapshot());
    // A thread that ends with uWS sockets open aborts the whole process: close them first, always.
    process.on('uncaughtException', this.onCrash);
    process.on('exit', this.onExit);
    this.main.on('message', this.onControl);
    try {
      const { port, host, peers } = await new Promise<Extract<ToWorker, { type: 'introduce' }>>((resolve) => {
        this.introduced = resolve;
        this.send({ type: 'booted' });
      });
      for (const peer of peers) mesh.link(peer.id, peer.port);
      await mesh.whenIntroduced();
      const bound = await app.listen(port, host);
      this.send({ type: 'ready', port: bound });
      return bound;
    } catch (error) {
      this.send({ type: 'failed', error: describe(error) });
      this.release();
      throw error;
    }
  }

  /** The app's counters summed over every worker, with one entry per worker. */
  async stats(): Promise<AppStats> {
    const app = this.app!;
    const [rooms, others] = await Promise.all([app.rooms(), this.mesh!.ask(this.mesh!.peers(), 'stats', null)]);
    const workers = [{ id: this.id, stats: app.localStats() }, ...(others.values as WorkerStats[])];
    return mergeWorkerStats(rooms.length, workers, others.missing > 0);
  }

  /** The other workers' Prometheus metrics, for a scrape of this one to sum. */
  async metricsOfPeers(): Promise<MetricsSnapshot[]> {
    const snapshots = this.mesh ? (await this.mesh.ask(this.mesh.peers(), 'metrics', null)).values : [];
    return snapshots.filter((snapshot): snapshot is MetricsSnapshot => Array.isArray(snapshot));
  }

  private control(message: ToWorker): void {
    const mesh = this.mesh!;
    switch (message.type) {
      case 'introduce':
        this.introduced?.(message);
        this.introduced = null;
        break;
      case 'peer':
        mesh.link(message.peer.id, message.peer.port);
        break;
      case 'peer-gone':
        mesh.unlink(message.id);
        break;
      case 'stop':
        void this.stop();
        break;
      case 'publish':
        if (message.forward) this.app!.publish(message.room, message.data, message.isBinary);
        else this.app!.deliver(message.room, message.data, message.isBinary);
        if (this.delivered.frames++ === 0) setImmediate(this.acknowledge);
        this.delivered.bytes += roomMessageBytes(message.room, message.data);
        break;
      case 'not-forwarded':
        this.app!.notForwarded(message.count);
        break;
      case 'ask':
        void this.answer(message.token, message.question, message.room);
        break;
    }
  }

  /** A question from the main thread, answered for the whole app. */
  private async answer(token: number, question: Question, room: string): Promise<void> {
    const app = this.app!;
    let value: unknown;
    try {
      value = question === 'size' ? await app.roomSize(room) : question === 'rooms' ? await app.rooms() : await this.stats();
    } catch (error) {
      app.logger.error({ err: error, question }, 'fast mode: could not answer the main thread');
    }
    this.send({ type: 'answer', token, value });
  }

  private async stop(): Promise<void> {
    const app = this.app!;
    try {
      await app.close();
    } catch (error) {
      app.logger.error({ err: error, worker: this.id }, 'fast mode: worker did not close cleanly');
      app.abort();
    }
    this.send({ type: 'closed' });
    this.release();
  }

  private crash(error: unknown): void {
    const app = this.app!;
    app.logger.error({ err: error, worker: this.id }, `fast mode: worker ${this.id} crashed; its connections are lost`);
    if (this.crashed) return;
    this.crashed = true;
    this.send({ type: 'failed', error: describe(error) });
    endAfterCrash(this.mesh, app);
    // pino writes asynchronously: ending the thread at once could lose the line above.
    const exit = (): never => process.exit(1);
    const flush = (app.logger as { flush?: unknown }).flush;
    if (typeof flush !== 'function') exit();
    setTimeout(exit, LOG_FLUSH_MS);
    (flush as (done: () => void) => void).call(app.logger, exit);
  }

  /** Lets the thread end: nothing of ProAPI keeps it alive any more. */
  private release(): void {
    this.mesh?.close();
    this.main.off('message', this.onControl);
  }

  private send(message: FromWorker): void {
    this.main.postMessage(message);
  }
}

/**
 * The other workers first learn that this one is gone (its ports close), then its clients (1006):
 * a client told of the crash then finds room sizes without this worker's members.
 */
export function endAfterCrash(mesh: PeerMesh | null, app: Pick<WorkerApp, 'abort'>): void {
  mesh?.close();
  app.abort();
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
