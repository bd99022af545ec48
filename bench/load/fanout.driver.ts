import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { MESSAGE_BYTES } from '../config';
import { Driver, inBatches, waitUntil, type Verdict } from './driver';
import { codecFor, openLink, padTo, readUint, type Codec, type Target } from './wire';

const ROOM = 'fanout';
/** Every n-th member in the publisher's worker measures latency (parsing the timestamp costs client CPU). */
const LATENCY_SAMPLE_EVERY = 10;

class Member {
  expected = 0;
  constructor(
    readonly ws: WebSocket,
    readonly index: number,
  ) {}
}

/**
 * Fan-out: every member joins one room; member 0 (in worker 0) publishes 64-byte messages that
 * carry a sequence number and the publish time. The publisher keeps at most `window` messages
 * per member outstanding (counted over all workers through shared memory), so uWS never has to
 * drop a message for backpressure. Every member must see every sequence number once, in order.
 */
export class FanoutDriver extends Driver {
  private readonly rooms = new Map<string, { codec: Codec; members: Member[] }>();
  private readonly delivered = new Int32Array(this.init.shared);
  private readonly totalMembers = this.init.plan.fanout.members;
  private readonly window = this.init.plan.fanout.window;
  private publisher: Member | null = null;
  private codec: Codec = codecFor('plain');
  private running = false;
  private sent = 0;
  /** The publisher waits for deliveries; any delivery in this worker may unblock it. */
  private blocked = false;
  private pumpTimer: NodeJS.Timeout | null = null;
  private readonly pumpLater = (): void => {
    this.pumpTimer = null;
    this.pump();
  };

  async setup(targets: readonly Target[]): Promise<void> {
    const indices = this.localIndices(this.totalMembers);
    for (const target of targets) {
      const codec = codecFor(target.wire);
      const members: Member[] = [];
      await inBatches(indices, 64, async (index) => {
        // Over a scale-out server's nodes in turn; the publisher (member 0) is on the first.
        const node = target.baseUrls ? { ...target, baseUrl: target.baseUrls[index % target.baseUrls.length] } : target;
        const ws = await openLink(node, { kind: 'room', room: ROOM });
        const member = new Member(ws, index);
        ws.on('message', (data: Buffer) => this.onMessage(codec, member, data));
        ws.on('close', (code: number) => this.tearingDown || this.problem(`${target.id} closed a member (${code})`));
        members.push(member);
      });
      this.rooms.set(target.id, { codec, members });
    }
  }

  start(targetId: string): void {
    const { codec, members } = this.rooms.get(targetId)!;
    this.codec = codec;
    for (const member of members) member.expected = 0;
    Atomics.store(this.delivered, this.init.workerIndex, 0);
    this.count = 0;
    this.sent = 0;
    this.running = true;
    this.publisher = members.find((m) => m.index === 0) ?? null;
    this.pump();
  }

  stop(): number {
    this.running = false;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    return this.publisher ? this.sent : 0;
  }

  async verify(targetId: string, sent: number): Promise<Verdict> {
    const { members } = this.rooms.get(targetId)!;
    const complete = await waitUntil(() => members.every((m) => m.expected === sent), 15_000);
    if (!complete) {
      const short = members.filter((m) => m.expected !== sent);
      this.problem(`${short.length} members of ${targetId} did not receive all ${sent} messages (e.g. #${short[0].index} got ${short[0].expected})`);
    }
    return this.takeVerdict();
  }

  async teardown(): Promise<void> {
    this.tearingDown = true;
    for (const { members } of this.rooms.values()) for (const member of members) member.ws.terminate();
    this.rooms.clear();
  }

  /** Publishes while fewer than `window` messages per member are outstanding over all workers. */
  private pump(): void {
    const publisher = this.publisher;
    if (!publisher || !this.running) return;
    const limit = this.window * this.totalMembers;
    while (this.sent * this.totalMembers - this.deliveredEverywhere() < limit) {
      const payload = padTo(`${this.sent}:${performance.now().toFixed(3)}:`, MESSAGE_BYTES);
      this.sent++;
      publisher.ws.send(this.codec.text(payload));
    }
    this.blocked = true;
    // Deliveries in other workers do not wake this one: look again shortly.
    if (this.running && this.init.workerCount > 1 && !this.pumpTimer) this.pumpTimer = setTimeout(this.pumpLater, 1);
  }

  private deliveredEverywhere(): number {
    let sum = 0;
    for (let i = 0; i < this.init.workerCount; i++) sum += Atomics.load(this.delivered, i);
    return sum;
  }

  private onMessage(codec: Codec, member: Member, data: Buffer): void {
    if (codec.control(member.ws, data)) return;
    const seq = readUint(data, codec.textOffset);
    if (seq !== member.expected) {
      this.problem(`member ${member.index} expected #${member.expected}, got #${seq} (${seq < member.expected ? 'duplicate' : 'gap or reorder'})`);
    }
    member.expected = seq + 1;
    this.count++;
    Atomics.add(this.delivered, this.init.workerIndex, 1);
    if (this.measuring && this.publisher && member.index % LATENCY_SAMPLE_EVERY === 0) {
      const from = data.indexOf(0x3a, codec.textOffset) + 1; // after "<seq>:"
      const sentAt = Number(data.toString('latin1', from, data.indexOf(0x3a, from)));
      this.histogram.recordMicros((performance.now() - sentAt) * 1000);
    }
    if (this.blocked) {
      this.blocked = false;
      this.pump();
    }
  }
}
