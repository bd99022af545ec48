import type WebSocket from 'ws';
import { MESSAGE_BYTES } from '../config';
import { Driver, inBatches, jsonDocument, waitUntil, type Verdict } from './driver';
import { codecFor, openLink, padTo, type Codec, type Target } from './wire';

/** Every n-th idle connection is asked for one echo at the end, to prove the sockets are alive. */
const PROBE_EVERY = 50;

/**
 * Idle connections: opens `count` sockets (on the echo route; JSON route for servers that only
 * speak typed messages) and leaves them idle while the harness reads the server's RSS.
 */
export class IdleDriver extends Driver {
  private links: WebSocket[] = [];
  private target: Target | null = null;
  private json = false;
  private closedEarly = 0;

  async setup(targets: readonly Target[]): Promise<void> {
    this.target = targets[0];
    this.json = targets[0].idleRoute === 'json';
  }

  /** Opens this worker's share of `count` connections; resolves once all are open. */
  async open(count: number): Promise<void> {
    const target = this.target!;
    this.tearingDown = false;
    this.closedEarly = 0;
    await inBatches(this.localIndices(count), 128, async () => {
      const ws = await openLink(target, { kind: this.json ? 'json' : 'echo' });
      ws.on('close', () => this.tearingDown || this.closedEarly++);
      this.links.push(ws);
      this.count++;
    });
  }

  start(): void {
    // Idle: no traffic.
  }

  stop(): number {
    return 0;
  }

  /** Checks that no socket was closed and that a sample of them still echo. */
  async verify(): Promise<Verdict> {
    const codec = codecFor(this.target!.wire);
    const probes = this.links.filter((_, i) => i % PROBE_EVERY === 0);
    let answered = 0;
    for (const [i, ws] of probes.entries()) this.probe(codec, ws, i, () => answered++);
    if (!(await waitUntil(() => answered === probes.length, 10_000))) {
      this.problem(`${probes.length - answered} of ${probes.length} probed idle connections did not echo`);
    }
    if (this.closedEarly > 0) this.problem(`${this.closedEarly} idle connections were closed by the server`);
    return this.takeVerdict();
  }

  async teardown(): Promise<void> {
    this.tearingDown = true;
    for (const ws of this.links) ws.terminate();
    this.links = [];
  }

  private probe(codec: Codec, ws: WebSocket, seq: number, done: () => void): void {
    const onMessage = (data: Buffer): void => {
      if (codec.control(ws, data)) return;
      ws.off('message', onMessage);
      done();
    };
    ws.on('message', onMessage);
    ws.send(this.json ? codec.json(jsonDocument(seq, seq)) : codec.text(padTo(`${seq}:idle:`, MESSAGE_BYTES)));
  }
}
