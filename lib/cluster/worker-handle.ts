import type { TransferListItem, Worker } from 'node:worker_threads';
import type { FromWorker, PeerPort, ToWorker } from './control';

/**
 * - starting: loading the entry, building the app
 * - booted: `run()` called; waits to be introduced to its peers
 * - linked: introduced; links to its peers, then listens
 * - ready: accepting connections
 * - stopping: told to stop
 * - gone: the thread has ended
 */
export type WorkerState = 'starting' | 'booted' | 'linked' | 'ready' | 'stopping' | 'gone';

export interface WorkerEvents {
  booted(worker: WorkerHandle): void;
  ready(worker: WorkerHandle): void;
  answered(worker: WorkerHandle, token: number, value: unknown): void;
  /** It handled `frames` of the main thread's broadcasts, of `bytes`. */
  delivered(worker: WorkerHandle, frames: number, bytes: number): void;
  /** `before`: its state when the thread ended. */
  exited(worker: WorkerHandle, code: number, before: WorkerState): void;
}

/** How long a worker that closed its app may take to end on its own before it is terminated. */
const END_AFTER_CLOSE_MS = 1000;

/** The main thread's view of one worker thread. */
export class WorkerHandle {
  state: WorkerState = 'starting';
  /** Why it failed, as it said or as its thread's 'error' event said. */
  failure: string | null = null;
  readyAt = 0;
  /** Its app has closed (uWS included): terminating the thread is safe now. */
  private appClosed = false;
  /** It was told to listen, so it may have uWS sockets open. */
  private introduced = false;
  readonly exited: Promise<number>;

  constructor(
    readonly id: number,
    /** Restarts keep the slot of the worker they replace. */
    readonly slot: number,
    private readonly thread: Worker,
    events: WorkerEvents,
  ) {
    thread.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'booted':
          if (this.state === 'starting') this.state = 'booted';
          events.booted(this);
          break;
        case 'ready':
          if (this.state === 'linked') this.state = 'ready';
          this.readyAt = Date.now();
          events.ready(this);
          break;
        case 'failed':
          this.failure = message.error;
          break;
        case 'answer':
          events.answered(this, message.token, message.value);
          break;
        case 'delivered':
          events.delivered(this, message.frames, message.bytes);
          break;
        case 'closed':
          // uWS is closed: ending the thread can no longer abort the process.
          this.appClosed = true;
          setTimeout(() => void thread.terminate(), END_AFTER_CLOSE_MS).unref();
          break;
      }
    });
    // An error thrown before the app installed its crash handler (e.g. while loading the entry).
    thread.on('error', (error) => (this.failure ??= error.stack ?? String(error)));
    this.exited = new Promise((resolve) =>
      thread.once('exit', (code) => {
        const before = this.state;
        this.state = 'gone';
        events.exited(this, code, before);
        resolve(code);
      }),
    );
  }

  /** Whether its links to other workers are up (it can be told about peers). */
  get linked(): boolean {
    return this.state === 'linked' || this.state === 'ready';
  }

  send(message: ToWorker, transfer: readonly TransferListItem[] = []): void {
    if (this.state !== 'gone') this.thread.postMessage(message, transfer);
  }

  stop(): void {
    if (this.state === 'gone' || this.state === 'stopping') return;
    this.state = 'stopping';
    this.send({ type: 'stop' });
  }

  /** Whether ending the thread from outside is safe: a thread that ends with uWS sockets open aborts the process. */
  get safeToTerminate(): boolean {
    return this.appClosed || !this.introduced;
  }

  /** Tells it its peers and its port: it links, then listens. */
  introduce(port: number, host: string, peers: readonly PeerPort[]): void {
    this.introduced = true;
    if (this.state === 'booted') this.state = 'linked';
    this.send({ type: 'introduce', port, host, peers }, peers.map((peer) => peer.port));
  }

  terminate(): Promise<number> {
    return this.thread.terminate();
  }
}
