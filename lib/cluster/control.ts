import type { MessagePort } from 'node:worker_threads';
import type { Payload } from '../connection/message';

/** The key under which a fast-mode worker finds its {@link WorkerBoot} in `workerData`. */
export const WORKER_DATA_KEY = 'proapi:fast-worker';

/** What a worker thread is started with. */
export interface WorkerBoot {
  /** 1, 2, ... in start order; a restarted worker gets a new id. */
  readonly id: number;
  /** The main thread's `process.argv`; the worker re-runs `argv[1]`. */
  readonly argv: readonly string[];
  /** ts-node as the main thread registered it, when it did (`ts-node main.ts`). */
  readonly tsNode: { readonly path: string; readonly options: object } | null;
  /** How many workers share the process, and so its open-file limit. */
  readonly workers: number;
  /** `run({ workerTimeoutMs })`: how long a question waits for each other worker. */
  readonly answerTimeoutMs: number;
}

/** A peer's end of a fresh MessageChannel. */
export interface PeerPort {
  readonly id: number;
  readonly port: MessagePort;
}

/** Main thread -> worker. */
export type ToWorker =
  /** Link to these peers, wait for their greetings, then listen on `port` (0: any; the first worker picks it). */
  | { readonly type: 'introduce'; readonly port: number; readonly host: string; readonly peers: readonly PeerPort[] }
  /** A worker that started after this one. */
  | { readonly type: 'peer'; readonly peer: PeerPort }
  /** A worker ended (the port's own close event usually says so first). */
  | { readonly type: 'peer-gone'; readonly id: number }
  /** Close gracefully: every connection gets 1001. */
  | { readonly type: 'stop' }
  /**
   * `app.broadcast*()` in the main thread: to this worker's members of `room`, and with `forward`
   * (a broker beyond the process, told to one worker only) to every other node of that broker too.
   */
  | { readonly type: 'publish'; readonly room: string; readonly data: Payload; readonly isBinary: boolean; readonly forward: boolean }
  /** Main-thread broadcasts that were not forwarded: counted in this worker's `notForwarded`. */
  | { readonly type: 'not-forwarded'; readonly count: number }
  /** A room query or `app.stats()` in the main thread, answered for the whole app. */
  | { readonly type: 'ask'; readonly token: number; readonly question: Question; readonly room: string };

export type Question = 'size' | 'rooms' | 'stats';

/** Worker -> main thread. */
export type FromWorker =
  /** The app is built and `run()` was called: ready to be introduced. */
  | { readonly type: 'booted' }
  /** Accepting connections on `port`. */
  | { readonly type: 'ready'; readonly port: number }
  /** `run()` failed before listening, or an uncaught error is ending the worker. */
  | { readonly type: 'failed'; readonly error: string }
  /** The app closed after a `stop`; the thread ends next. */
  | { readonly type: 'closed' }
  | { readonly type: 'answer'; readonly token: number; readonly value: unknown }
  /** It handled `frames` of the main thread's `publish` messages, of `bytes` (as `roomMessageBytes` counts them). */
  | { readonly type: 'delivered'; readonly frames: number; readonly bytes: number };
