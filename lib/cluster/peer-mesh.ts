import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '../logger';
import { DEFAULT_MESH_LIMITS, frameBytes, PeerLink, type MeshLimits } from './peer-link';

export { PeerLink } from './peer-link';

/**
 * Frames travel in batches: one flat array per peer and event-loop turn, four slots per frame
 * (`kind, a, b, c`). Batching is what makes MessagePorts cheap: one postMessage per turn instead
 * of one per frame (measured in bench/fast-mode/transport.ts: ~0.4 µs instead of ~1.5 µs a frame).
 * A batch ends with a TALLY of its frames and bytes, which the peer acknowledges (ACK, itself not
 * acknowledged) once it has handled them, riding on its next batch back.
 * Kinds below 8 belong to the mesh; users of the mesh register their own with {@link PeerMesh.on}.
 */
const HELLO = 0;
const ASK = 1;
const ANSWER = 2;
const ACK = 3;
const TALLY = 4;
const FIRST_USER_KIND = 8;
const SLOTS = 4;

export type FrameHandler = (from: PeerLink, a: unknown, b: unknown, c: unknown) => void;
export type Answerer = (arg: unknown, from: PeerLink) => unknown;

/** What the asked peers answered; `missing` of them did not answer in time (those that went away are not missing). */
export interface Answers {
  readonly values: unknown[];
  readonly missing: number;
}

interface PendingAsk {
  readonly question: string;
  readonly waiting: Set<PeerLink>;
  readonly values: unknown[];
  missing: number;
  timer: NodeJS.Timeout | null;
  readonly resolve: (answers: Answers) => void;
}

/**
 * This worker's links to the other workers of a fast-mode app: one MessagePort per pair, FIFO, so
 * every frame a peer sends arrives once and in order. Carries one-way frames (room traffic) and
 * questions that every asked peer answers (a peer that goes away counts as answered, one that
 * does not answer within `answerTimeoutMs` as missing). What a peer has not acknowledged is
 * bounded ({@link MeshLimits}): past the bound, droppable frames ({@link PeerMesh.offer}) are dropped.
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
  private readonly limits: MeshLimits;
  private readonly flushLater = (): void => {
    this.flushScheduled = false;
    this.flush();
  };
  private readonly expire = (token: number): void => {
    const ask = this.pending.get(token);
    if (!ask) return;
    for (const peer of ask.waiting) peer.unanswered(ask.question);
    ask.missing += ask.waiting.size;
    ask.waiting.clear();
    this.settleIfDone(token, ask);
  };

  constructor(
    readonly selfId: number,
    private readonly logger: Logger,
    limits: Partial<MeshLimits> = {},
  ) {
    this.limits = { ...DEFAULT_MESH_LIMITS, ...limits };
  }

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
    const peer = new PeerLink(id, port, this.limits, this.logger);
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

  /**
   * Queues a frame for `peer`; it leaves with the others at the end of this event-loop turn. It
   * counts towards the peer's bound but is never dropped: for frames that must arrive (membership).
   */
  post(peer: PeerLink, kind: number, a: unknown, b: unknown, c: unknown): void {
    this.queue(peer, kind, a, b, c, frameBytes(a, b, c));
  }

  /** Queues a frame of about `bytes` bytes unless the peer's bound is reached: then false (logged once per episode). */
  offer(peer: PeerLink, kind: number, a: unknown, b: unknown, c: unknown, bytes: number): boolean {
    if (!peer.fits(bytes)) return false;
    this.queue(peer, kind, a, b, c, bytes);
    return true;
  }

  postAll(kind: number, a: unknown, b: unknown, c: unknown): void {
    for (const peer of this.links.values()) this.post(peer, kind, a, b, c);
  }

  /**
   * Asks `peers` a question; resolves with the answers of those that did not go away first, within
   * `answerTimeoutMs`. A peer that did not answer a question in time is still asked (it handles the
   * question when it wakes) but not waited for until it is heard from again.
   */
  ask(peers: Iterable<PeerLink>, question: string, arg: unknown): Promise<Answers> {
    const token = this.nextToken++;
    return new Promise((resolve) => {
      const ask: PendingAsk = { question, waiting: new Set(), values: [], missing: 0, timer: null, resolve };
      for (const peer of peers) {
        this.post(peer, ASK, token, question, arg);
        if (peer.silent) ask.missing++;
        else ask.waiting.add(peer);
      }
      this.pending.set(token, ask);
      if (ask.waiting.size === 0) this.settleIfDone(token, ask);
      else ask.timer = setTimeout(this.expire, this.limits.answerTimeoutMs, token).unref();
    });
  }

  /** Sends every queued frame now (also before the thread exits). */
  flush(): void {
    for (const peer of this.dirty) {
      if (peer.owedFrames > 0) {
        peer.outbox.push(ACK, peer.owedFrames, peer.owedBytes, 0);
        peer.owedFrames = peer.owedBytes = 0;
      }
      if (peer.outbox.length === 0) continue;
      const { outboxFrames: frames, outboxBytes: bytes } = peer;
      if (frames > 0) peer.outbox.push(TALLY, frames, bytes, 0);
      peer.outboxFrames = peer.outboxBytes = 0;
      const batch = peer.outbox;
      peer.outbox = [];
      try {
        peer.port.postMessage(batch);
      } catch (error) {
        peer.acknowledged(frames, bytes);
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

  private queue(peer: PeerLink, kind: number, a: unknown, b: unknown, c: unknown, bytes: number): void {
    peer.outbox.push(kind, a, b, c);
    peer.queued(bytes);
    this.markDirty(peer);
  }

  private markDirty(peer: PeerLink): void {
    this.dirty.add(peer);
    if (!this.flushScheduled && !this.closed) {
      this.flushScheduled = true;
      setImmediate(this.flushLater);
    }
  }

  private receive(from: PeerLink, batch: unknown[]): void {
    from.heard();
    for (let i = 0; i < batch.length; i += SLOTS) {
      const kind = batch[i] as number;
      try {
        if (kind >= FIRST_USER_KIND) this.handlers[kind]?.(from, batch[i + 1], batch[i + 2], batch[i + 3]);
        else if (kind === ANSWER) this.answered(from, batch[i + 1] as number, batch[i + 2]);
        else if (kind === ASK) this.answerAsked(from, batch[i + 1] as number, batch[i + 2] as string, batch[i + 3]);
        else if (kind === TALLY) this.owe(from, batch[i + 1] as number, batch[i + 2] as number);
        else if (kind === ACK) from.acknowledged(batch[i + 1] as number, batch[i + 2] as number);
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

  /** The frames before this TALLY in `from`'s batch are handled: acknowledged with this worker's next batch to it. */
  private owe(from: PeerLink, frames: number, bytes: number): void {
    from.owedFrames += frames;
    from.owedBytes += bytes;
    if (this.links.has(from.id)) this.markDirty(from);
  }

  private answered(from: PeerLink, token: number, value: unknown): void {
    const ask = this.pending.get(token);
    if (!ask?.waiting.delete(from)) return;
    ask.values.push(value);
    this.settleIfDone(token, ask);
  }

  private settleIfDone(token: number, ask: PendingAsk): void {
    if (ask.waiting.size > 0) return;
    this.pending.delete(token);
    if (ask.timer) clearTimeout(ask.timer);
    ask.resolve({ values: ask.values, missing: ask.missing });
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
