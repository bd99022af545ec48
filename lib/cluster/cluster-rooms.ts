import type { Payload } from '../connection/message';
import type { AppStats } from '../instrumentation/stats';
import type { Question } from './control';
import { ownBytes } from './own-bytes';
import type { WorkerHandle } from './worker-handle';

interface Waiting {
  readonly worker: WorkerHandle;
  readonly question: Question;
  readonly room: string;
  readonly resolve: (value: unknown) => void;
}

/**
 * The app's rooms and stats as the main thread of a fast-mode app reaches them. It serves no
 * connection. A broadcast goes to every serving worker, each handing it to its own members; with
 * a broker beyond the process (`viaBroker`), where each worker is a node of that broker, it goes
 * to one serving worker, which publishes it as its own (the broker brings it to the others). A
 * question goes to one serving worker, which answers for the whole app.
 */
export class ClusterRooms {
  private readonly waiting = new Map<number, Waiting>();
  private nextToken = 1;

  constructor(
    private readonly workers: () => Iterable<WorkerHandle>,
    private readonly viaBroker: boolean,
  ) {}

  publish(room: string, data: Payload, isBinary: boolean): void {
    const message = { type: 'publish', room, data: ownBytes(data), isBinary, forward: this.viaBroker } as const;
    if (this.viaBroker) return this.firstReady()?.send(message);
    for (const worker of this.workers()) if (worker.state === 'ready') worker.send(message);
  }

  async size(room: string): Promise<number> {
    return ((await this.ask('size', room)) as number | undefined) ?? 0;
  }

  async rooms(): Promise<string[]> {
    return ((await this.ask('rooms', '')) as string[] | undefined) ?? [];
  }

  /** The app's stats, or undefined while no worker serves. */
  async stats(): Promise<AppStats | undefined> {
    return (await this.ask('stats', '')) as AppStats | undefined;
  }

  answered(worker: WorkerHandle, token: number, value: unknown): void {
    const waiting = this.waiting.get(token);
    if (waiting?.worker !== worker) return;
    this.waiting.delete(token);
    waiting.resolve(value);
  }

  /** A worker ended before it answered: another one is asked. */
  workerGone(worker: WorkerHandle): void {
    for (const [token, waiting] of this.waiting) {
      if (waiting.worker !== worker) continue;
      this.waiting.delete(token);
      this.send(waiting.question, waiting.room, waiting.resolve);
    }
  }

  /** The longest-serving ready worker: the main thread's broadcasts keep their order through it. */
  private firstReady(): WorkerHandle | undefined {
    for (const worker of this.workers()) if (worker.state === 'ready') return worker;
    return undefined;
  }

  private ask(question: Question, room: string): Promise<unknown> {
    return new Promise((resolve) => this.send(question, room, resolve));
  }

  private send(question: Question, room: string, resolve: (value: unknown) => void): void {
    const worker = this.firstReady();
    if (!worker) return resolve(undefined);
    const token = this.nextToken++;
    this.waiting.set(token, { worker, question, room, resolve });
    worker.send({ type: 'ask', token, question, room });
  }
}
