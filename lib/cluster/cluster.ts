import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { assertPortFree } from '../adapter/uws.adapter';
import type { Logger } from '../logger';
import { ClusterRooms } from './cluster-rooms';
import type { PeerPort } from './control';
import { pickFreePort } from './free-port';
import { DEFAULT_MESH_LIMITS } from './peer-link';
import { restartDelay } from './restart-delay';
import { WorkerHandle, type WorkerEvents, type WorkerState } from './worker-handle';
import { launchOfThisProcess, spawnWorker } from './worker-launch';

export interface ClusterOptions {
  /** 0: any free port. */
  readonly port: number;
  readonly host: string;
  readonly workers: number;
  readonly logger: Logger;
  /** How long each worker's `app.close()` waits for handlers. */
  readonly shutdownTimeoutMs: number;
  /** The app's broker reaches other processes: each worker is a node of it (no worker broker). */
  readonly viaBroker: boolean;
  /** How long a question waits for a worker (`run({ workerTimeoutMs })`). */
  readonly workerTimeoutMs: number;
}

/** A worker still loading after this long is worth a warning (ts-node compiling a big app takes a while). */
const SLOW_BOOT_MS = 30_000;
/** How much longer than `shutdownTimeoutMs` a stop may take before the process is ended. */
const STOP_GRACE_MS = 3000;

/**
 * The main thread of a fast-mode app: starts one worker thread per slot, introduces each to the
 * others (one MessageChannel per pair), restarts crashed ones with backoff, stops them all.
 * The workers share the port through SO_REUSEPORT; the main thread serves no connection.
 */
export class Cluster {
  private readonly live = new Map<number, WorkerHandle>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private readonly crashes = new Map<number, number>();
  private readonly launch: ReturnType<typeof launchOfThisProcess>;
  private nextId = 1;
  private port: number;
  private started = false;
  private stopping: Promise<void> | null = null;
  private startup: { resolve(): void; reject(error: Error): void } | null = null;
  /** The app's room API and stats, in the main thread: through the workers. */
  readonly rooms: ClusterRooms;
  private readonly events: WorkerEvents = {
    answered: (worker, token, value) => this.rooms.answered(worker, token, value),
    delivered: (worker, frames, bytes) => this.rooms.delivered(worker, frames, bytes),
    booted: (worker) => this.booted(worker),
    ready: (worker) => this.ready(worker),
    exited: (worker, code, before) => this.exited(worker, code, before),
  };

  private readonly onSignal = (): void => void this.stop();

  constructor(private readonly options: ClusterOptions) {
    this.launch = launchOfThisProcess(options.workers, options.workerTimeoutMs);
    this.port = options.port;
    this.rooms = new ClusterRooms(() => this.live.values(), options);
  }

  /**
   * Resolves once every worker accepts connections; rejects (all stopped) if one fails to start.
   * From now until the workers have stopped, SIGINT and SIGTERM stop them (a second signal waits
   * too: a thread ended with uWS sockets open would abort the process).
   */
  async start(): Promise<void> {
    const { port, host, workers } = this.options;
    // The workers skip the check for another process on the port (they share it): do it once here.
    if (port === 0) this.port = await pickFreePort(host);
    else await assertPortFree(port, host);
    process.on('SIGINT', this.onSignal).on('SIGTERM', this.onSignal);
    try {
      await new Promise<void>((resolve, reject) => {
        this.startup = { resolve, reject };
        for (let slot = 1; slot <= workers; slot++) this.spawn(slot);
      });
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      this.startup = null;
    }
    this.started = true;
  }

  get servingPort(): number {
    return this.port;
  }

  /** Stops every worker gracefully (each connection gets 1001); resolves when their threads have ended. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll().finally(() => process.off('SIGINT', this.onSignal).off('SIGTERM', this.onSignal));
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    this.startup?.reject(new Error('fast mode: stopped while the workers were starting'));
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    const workers = [...this.live.values()];
    for (const worker of workers) worker.stop();
    const deadline = this.options.shutdownTimeoutMs + STOP_GRACE_MS;
    const ended = await Promise.race([Promise.all(workers.map((w) => w.exited)).then(() => true), sleep(deadline, false, { ref: false })]);
    if (ended) return;
    const stuck = workers.filter((w) => w.state !== 'gone');
    if (stuck.every((w) => w.safeToTerminate)) {
      await Promise.all(stuck.map((w) => w.terminate()));
      return;
    }
    // Ending a thread whose uWS sockets are open aborts the process anyway; end it plainly instead.
    this.options.logger.error(
      { workers: stuck.map((w) => w.id), waitedMs: deadline },
      'fast mode: workers did not close in time (a blocked event loop?); ending the process',
    );
    process.kill(process.pid, 'SIGKILL');
  }

  private spawn(slot: number): void {
    const id = this.nextId++;
    const worker = new WorkerHandle(id, slot, spawnWorker(id, this.launch), this.events);
    this.live.set(id, worker);
    setTimeout(() => {
      if (worker.state !== 'starting') return;
      this.options.logger.warn(
        { worker: id, entry: this.launch.argv[1] },
        `fast mode: worker ${id} has not called app.run() after ${SLOW_BOOT_MS / 1000} s; does the entry file build the app and call app.run() when it runs in a worker?`,
      );
    }, SLOW_BOOT_MS).unref();
  }

  private booted(worker: WorkerHandle): void {
    if (this.stopping) worker.stop();
    else this.introduce(worker);
  }

  /** Links the worker with every worker whose links are up, then lets it listen. */
  private introduce(worker: WorkerHandle): void {
    const peers: PeerPort[] = [];
    for (const other of this.live.values()) {
      if (other === worker || !other.linked) continue;
      const { port1, port2 } = new MessageChannel();
      other.send({ type: 'peer', peer: { id: worker.id, port: port1 } }, [port1]);
      peers.push({ id: other.id, port: port2 });
    }
    worker.introduce(this.port, this.options.host, peers);
  }

  private ready(worker: WorkerHandle): void {
    this.rooms.workerReady(worker);
    if (this.started) {
      this.options.logger.info({ worker: worker.id, slot: worker.slot }, `fast mode: worker ${worker.id} restarted and accepting connections`);
    } else if ([...this.live.values()].every((w) => w.state === 'ready')) {
      this.startup?.resolve();
    }
  }

  private exited(worker: WorkerHandle, code: number, before: WorkerState): void {
    this.live.delete(worker.id);
    this.rooms.workerGone(worker);
    for (const other of this.live.values()) if (other.linked) other.send({ type: 'peer-gone', id: worker.id });
    if (this.stopping) return;
    if (!this.started) {
      this.startup?.reject(new Error(`fast mode: worker ${worker.id} could not start: ${this.whyNotStarted(worker, code, before)}`));
      return;
    }
    const quick = worker.readyAt === 0 || Date.now() - worker.readyAt < STABLE_AFTER_MS;
    const crashes = quick ? (this.crashes.get(worker.slot) ?? 0) + 1 : 1;
    this.crashes.set(worker.slot, crashes);
    const delay = restartDelay(crashes);
    this.options.logger.error(
      { worker: worker.id, exitCode: code, error: worker.failure?.split('\n')[0] },
      `fast mode: worker ${worker.id} stopped unexpectedly; its connections are lost; restarting it in ${delay} ms`,
    );
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      this.spawn(worker.slot);
    }, delay);
    this.restartTimers.add(timer);
  }

  private whyNotStarted(worker: WorkerHandle, code: number, before: WorkerState): string {
    if (worker.failure) return worker.failure;
    if (before === 'starting') {
      return (
        `its thread ended (code ${code}) without calling app.run(). Fast mode re-runs ${this.launch.argv[1]} in every ` +
        'worker thread, and there it must build the app and call app.run() again'
      );
    }
    return `its thread ended (code ${code})`;
  }
}

/** `run({ workerTimeoutMs })`, checked; the default mirrors the Redis and NATS brokers' `subscribeTimeoutMs`. */
export function workerTimeout(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_MESH_LIMITS.answerTimeoutMs;
  if (!Number.isFinite(requested) || requested <= 0) throw new RangeError(`run({ workerTimeoutMs }) must be a positive number of ms, got ${requested}`);
  return requested;
}

/** A worker that served this long before it crashed restarts after the shortest delay again. */
const STABLE_AFTER_MS = 30_000;

/**
 * How many workers to run: `requested`, else one per core. SO_REUSEPORT spreads connections
 * over the workers on Linux only; elsewhere the default is one worker (and a warning).
 */
export function workerCount(requested: number | undefined, logger: Logger): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`run({ workers }) must be a positive integer, got ${requested}`);
    return requested;
  }
  if (process.platform !== 'linux') {
    logger.warn(
      { platform: process.platform },
      'fast mode: only Linux spreads connections over workers that share a port (SO_REUSEPORT); running 1 worker. Pass run({ workers }) to run more anyway',
    );
    return 1;
  }
  return os.availableParallelism();
}
