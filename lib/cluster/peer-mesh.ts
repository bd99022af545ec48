import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '../logger';

/**
 * Frames travel in batches: one flat array per peer and event-loop turn, four slots per frame
 * (`kind, a, b, c`). Batching is what makes MessagePorts cheap: one postMessage per turn instead
 * of one per frame (measured in bench/fast-mode/transport.ts: ~0.4 µs instead of ~1.5 µs a frame).
 * Kinds below 8 belong to the mesh; users of the mesh register their own with {@link PeerMesh.on}.
 */
const HELLO = 0;
const ASK = 1;
const ANSWER = 2;
const FIRST_USER_KIND = 8;
const SLOTS = 4;

/** Another worker, as this one reaches it: a MessagePort and the frames waiting for the next flush. */
export class PeerLink {
  /** Its HELLO arrived: every frame it sent before (its rooms) has been handled. */
  introduced = false;
  outbox: unknown[] = [];

  constructor(
    readonly id: number,
    readonly port: MessagePort,
  ) {}
}

export type FrameHandler = (from: PeerLink, a: unknown, b: unknown, c: unknown) => void;
export type Answerer = (arg: unknown, from: PeerLink) => unknown;

interface PendingAsk {
  readonly waiting: Set<PeerLink>;
  readonly answers: unknown[];
  readonly resolve: (answers: unknown[]) => void;
}

/**
 * This worker's links to the other workers of a fast-mode app: one MessagePort per pair, FIFO, so
 * every frame a peer sends arrives once and in order. Carries one-way frames (room traffic) and
 * questions that every asked peer answers (a peer that goes away counts as answered).
 */
export class PeerMesh {
  private readonly links = new Map<number, PeerLink>();
  private readonly handlers: (FrameHandler | undefined)[] = [];
  private readonly answerers = new Map<string, Answerer>();
  private readonly pending = new Map<number, PendingAsk>();
  private readonly linkedListeners: ((peer: PeerLink) => void)[] = [];
  private readonly goneListeners: ((peer: PeerLink) => void)[] = [];
  private readonly dirty = new Set<PeerLink>();
  private introductionWaiters: (() => void)[] = [];
  private nextToken = 1;
  private flushScheduled = false;
  private closed = false;
  private readonly flushLater = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    readonly selfId: number,
    private readonly logger: Logger,
  ) {}

  /** Handles frames of `kind` (8 and up) from every peer. */
  on(kind: number, handler: FrameHandler): void {
    if (kind < FIRST_USER_KIND || this.handlers[kind]) throw new Error(`frame kind ${kind} is reserved or taken`);
    this.handlers[kind] = handler;
  }

  /** Answers `question` when a peer asks it; a promise is awaited before answering. */
  answer(question: string, answerer: Answerer): void {
    this.answerers.set(question, answerer);
  }

  /** Called for each peer linked after this worker started serving (a new or restarted worker), before its HELLO goes out. */
  onPeerLinked(listener: (peer: PeerLink) => void): void {
    this.linkedListeners.push(listener);
  }

  onPeerGone(listener: (peer: PeerLink) => void): void {
    this.goneListeners.push(listener);
  }

  peers(): IterableIterator<PeerLink> {
    return this.links.values();
  }

  get size(): number {
    return this.links.size;
  }

  /** Links a peer: listens to its port and greets it; `onPeerLinked` listeners may queue frames first. */
  link(id: number, port: MessagePort): void {
    if (this.closed) return void port.close();
    const peer = new PeerLink(id, port);
    this.links.set(id, peer);
    port.on('message', (batch: unknown[]) => this.receive(peer, batch));
    // The port closes when the peer's thread ends, crash or not: the quickest news that it is gone.
    port.on('close', () => this.unlink(id));
    for (const listener of this.linkedListeners) listener(peer);
    this.post(peer, HELLO, this.selfId, 0, 0);
  }

  /** The peer is gone: its questions count as answered, and listeners forget what it had. */
  unlink(id: number): void {
    const peer = this.links.get(id);
    if (!peer) return;
    this.links.delete(id);
    this.dirty.delete(peer);
    peer.port.close();
    for (const [token, ask] of this.pending) if (ask.waiting.delete(peer)) this.settleIfDone(token, ask);
    for (const listener of this.goneListeners) listener(peer);
    this.checkIntroductions();
  }

  /** Resolves once every linked peer has said HELLO (or gone away). */
  whenIntroduced(): Promise<void> {
    return new Promise((resolve) => {
      this.introductionWaiters.push(resolve);
      this.checkIntroductions();
    });
  }

  /** Queues a frame for `peer`; it leaves with the others at the end of this event-loop turn. */
  post(peer: PeerLink, kind: number, a: unknown, b: unknown, c: unknown): void {
    peer.outbox.push(kind, a, b, c);
    this.dirty.add(peer);
    if (!this.flushScheduled && !this.closed) {
      this.flushScheduled = true;
      setImmediate(this.flushLater);
    }
  }

  postAll(kind: number, a: unknown, b: unknown, c: unknown): void {
    for (const peer of this.links.values()) this.post(peer, kind, a, b, c);
  }

  /** Asks `peers` a question; resolves with the answers of those that did not go away first. */
  ask(peers: Iterable<PeerLink>, question: string, arg: unknown): Promise<unknown[]> {
    const waiting = new Set(peers);
    if (waiting.size === 0) return Promise.resolve([]);
    const token = this.nextToken++;
    return new Promise((resolve) => {
      this.pending.set(token, { waiting, answers: [], resolve });
      for (const peer of waiting) this.post(peer, ASK, token, question, arg);
    });
  }

  /** Sends every queued frame now (also before the thread exits). */
  flush(): void {
    for (const peer of this.dirty) {
      if (peer.outbox.length === 0) continue;
      const batch = peer.outbox;
      peer.outbox = [];
      try {
        peer.port.postMessage(batch);
      } catch (error) {
        this.logger.error({ err: error, peer: peer.id }, 'fast mode: could not send to a worker');
      }
    }
    this.dirty.clear();
  }

  /** Flushes and closes every link; questions still open resolve with what they have. */
  close(): void {
    this.flush();
    this.closed = true;
    for (const id of [...this.links.keys()]) this.unlink(id);
  }

  private receive(from: PeerLink, batch: unknown[]): void {
    for (let i = 0; i < batch.length; i += SLOTS) {
      const kind = batch[i] as number;
      try {
        if (kind >= FIRST_USER_KIND) this.handlers[kind]?.(from, batch[i + 1], batch[i + 2], batch[i + 3]);
        else if (kind === ANSWER) this.answered(from, batch[i + 1] as number, batch[i + 2]);
        else if (kind === ASK) this.answerAsked(from, batch[i + 1] as number, batch[i + 2] as string, batch[i + 3]);
        else if (kind === HELLO) this.greeted(from);
      } catch (error) {
        this.logger.error({ err: error, peer: from.id, kind }, 'fast mode: a message from another worker failed');
      }
    }
  }

  private answerAsked(from: PeerLink, token: number, question: string, arg: unknown): void {
    const answerer = this.answerers.get(question);
    const answer = answerer ? answerer(arg, from) : undefined;
    if (answer instanceof Promise) {
      answer.then(
        (value: unknown) => this.links.has(from.id) && this.post(from, ANSWER, token, value, 0),
        (error: unknown) => {
          this.logger.error({ err: error, question }, 'fast mode: could not answer another worker');
          if (this.links.has(from.id)) this.post(from, ANSWER, token, undefined, 0);
        },
      );
    } else {
      this.post(from, ANSWER, token, answer, 0);
    }
  }

  private answered(from: PeerLink, token: number, value: unknown): void {
    const ask = this.pending.get(token);
    if (!ask?.waiting.delete(from)) return;
    ask.answers.push(value);
    this.settleIfDone(token, ask);
  }

  private settleIfDone(token: number, ask: PendingAsk): void {
    if (ask.waiting.size > 0) return;
    this.pending.delete(token);
    ask.resolve(ask.answers);
  }

  private greeted(from: PeerLink): void {
    from.introduced = true;
    this.checkIntroductions();
  }

  private checkIntroductions(): void {
    if (this.introductionWaiters.length === 0) return;
    for (const peer of this.links.values()) if (!peer.introduced) return;
    const waiters = this.introductionWaiters;
    this.introductionWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
