import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { MESSAGE_BYTES } from '../config';
import { Driver, inBatches, jsonDocument, waitUntil, type Verdict } from './driver';
import { codecFor, openLink, padTo, readUint, type Codec, type Target } from './wire';

const SEQ_KEY = Buffer.from('"seq":');

class EchoConnection {
  expected = 0;
  next = 0;
  readonly sentAt: Float64Array;

  constructor(
    readonly ws: WebSocket,
    readonly index: number,
    window: number,
  ) {
    this.sentAt = new Float64Array(window);
  }
}

/**
 * Echo and JSON echo: every connection keeps `window` messages in flight; each reply must carry
 * the next sequence number of its connection (nothing lost, duplicated or reordered).
 */
export class EchoDriver extends Driver {
  private readonly links = new Map<string, { codec: Codec; conns: EchoConnection[] }>();
  private codec: Codec = codecFor('plain');
  private echoBytes = 0;
  private running = false;
  private outstanding = 0;
  private sent = 0;
  private readonly window = this.init.plan.echo.window;
  private readonly json = this.init.scenario === 'json';

  async setup(targets: readonly Target[]): Promise<void> {
    const indices = this.localIndices(this.init.plan.echo.connections);
    for (const target of targets) {
      const conns: EchoConnection[] = [];
      const codec = codecFor(target.wire);
      await inBatches(indices, 64, async (index) => {
        const ws = await openLink(target, { kind: this.json ? 'json' : 'echo' });
        const conn = new EchoConnection(ws, index, this.window);
        ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(codec, conn, data, isBinary));
        ws.on('close', (code: number) => this.tearingDown || this.problem(`${target.id} closed a connection (${code})`));
        conns.push(conn);
      });
      this.links.set(target.id, { codec, conns });
    }
  }

  start(targetId: string): void {
    const { codec, conns } = this.links.get(targetId)!;
    this.codec = codec;
    this.echoBytes = codec.text('').length + MESSAGE_BYTES;
    this.running = true;
    this.count = 0;
    this.outstanding = 0;
    this.sent = 0;
    for (const conn of conns) for (let i = 0; i < this.window; i++) this.send(conn);
  }

  stop(): number {
    this.running = false;
    return this.sent;
  }

  async verify(targetId: string): Promise<Verdict> {
    const drained = await waitUntil(() => this.outstanding === 0, 10_000);
    if (!drained) this.problem(`${this.outstanding} messages were never echoed by ${targetId} (waited 10 s)`);
    return this.takeVerdict();
  }

  async teardown(): Promise<void> {
    this.tearingDown = true;
    for (const { conns } of this.links.values()) for (const conn of conns) conn.ws.terminate();
    this.links.clear();
  }

  private send(conn: EchoConnection): void {
    const seq = conn.next++;
    conn.sentAt[seq % this.window] = performance.now();
    const frame = this.json
      ? this.codec.json(jsonDocument(seq, conn.index))
      : this.codec.text(padTo(`${seq}:c${conn.index}:`, MESSAGE_BYTES));
    this.outstanding++;
    this.sent++;
    conn.ws.send(frame);
  }

  private onMessage(codec: Codec, conn: EchoConnection, data: Buffer, isBinary: boolean): void {
    if (codec.control(conn.ws, data)) return;
    if (isBinary) this.problem('a text message came back as a binary frame');
    let seq: number;
    if (this.json) {
      const at = data.indexOf(SEQ_KEY);
      seq = at < 0 ? -1 : readUint(data, at + SEQ_KEY.length);
    } else {
      seq = readUint(data, codec.textOffset);
      if (data.length !== this.echoBytes) this.problem(`an echo came back with ${data.length} bytes`);
    }
    if (seq !== conn.expected) {
      this.problem(`connection ${conn.index} expected #${conn.expected}, got #${seq} (${seq < conn.expected ? 'duplicate' : 'gap or reorder'})`);
    }
    conn.expected = seq + 1;
    this.outstanding--;
    this.count++;
    if (this.measuring && seq >= 0) this.histogram.recordMicros((performance.now() - conn.sentAt[seq % this.window]) * 1000);
    if (this.running) this.send(conn);
  }
}
