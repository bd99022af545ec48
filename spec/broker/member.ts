import type { TestConnection } from '../../testing';
import { withTimeout } from '../helpers/async';
import type { Variant } from './conformance-app';

/** What a member received from a room: text, `{ text }` JSON, or bytes, as the text they carry. */
export interface Delivery {
  readonly kind: 'text' | 'json' | 'bytes';
  readonly text: string;
}

interface Ack {
  readonly id: number;
  resolve(data: unknown): void;
  reject(error: Error): void;
}

/** Every broadcast variant: whether it reaches the sender too, and the kind of frame it delivers. */
export const VARIANT_CASES: readonly (readonly [Variant, boolean, Delivery['kind']])[] = [
  ['broadcast', false, 'text'],
  ['broadcastToAll', true, 'text'],
  ['broadcastJson', false, 'json'],
  ['broadcastJsonToAll', true, 'json'],
  ['broadcastBytes', false, 'bytes'],
  ['broadcastBytesToAll', true, 'bytes'],
];

/**
 * One client of the conformance app (`/member`): commands are acknowledged by request id, and
 * everything else it receives is a room delivery, kept in order in {@link inbox}.
 */
export class Member {
  readonly inbox: Delivery[] = [];
  private readonly acks = new Map<number, Ack>();
  private nextId = 1;
  private waiting: { count: number; resolve(): void } | null = null;
  private readonly reading: Promise<void>;

  constructor(
    readonly conn: TestConnection,
    /** Which node the member is connected to (an index into the cluster's URLs). */
    readonly node: number,
  ) {
    this.reading = this.read();
  }

  join(room: string): Promise<unknown> {
    return this.ask('join', { room });
  }

  leave(room: string): Promise<unknown> {
    return this.ask('leave', { room });
  }

  publish(room: string, variant: Variant, text: string): Promise<unknown> {
    return this.ask('publish', { room, variant, text });
  }

  async size(room: string): Promise<number> {
    return (await this.ask('size', { room })) as number;
  }

  async myRooms(): Promise<string[]> {
    return (await this.ask('myRooms', {})) as string[];
  }

  /** Where the member is served: its node's process and worker thread. */
  async place(): Promise<string> {
    return (await this.ask('place', {})) as string;
  }

  /** Resolves once the inbox holds `count` deliveries. */
  received(count: number, timeoutMs = 10_000): Promise<Delivery[]> {
    if (this.inbox.length >= count) return Promise.resolve(this.inbox);
    const arrived = new Promise<void>((resolve) => (this.waiting = { count, resolve }));
    return withTimeout(arrived, timeoutMs, `${count} deliveries (have ${this.inbox.length})`).then(() => this.inbox);
  }

  /** Takes what the inbox holds, emptying it. */
  drain(): Delivery[] {
    return this.inbox.splice(0);
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.reading;
  }

  async terminate(): Promise<void> {
    await this.conn.terminate();
    await this.reading;
  }

  protected ask(type: string, fields: object): Promise<unknown> {
    const id = this.nextId++;
    const answered = new Promise<unknown>((resolve, reject) => this.acks.set(id, { id, resolve, reject }));
    this.conn.sendJson({ type, id, ...fields });
    return withTimeout(answered, 10_000, `the answer to ${type} ${JSON.stringify(fields)}`);
  }

  private async read(): Promise<void> {
    for (;;) {
      let message: string | Buffer;
      try {
        message = await this.conn.receive({ timeout: 3_600_000 });
      } catch {
        for (const ack of this.acks.values()) ack.reject(new Error('the connection closed before the answer'));
        return;
      }
      this.take(message);
    }
  }

  private take(message: string | Buffer): void {
    if (typeof message !== 'string') return this.deliver({ kind: 'bytes', text: message.toString('utf8') });
    const parsed = parseObject(message);
    if (parsed !== null && typeof parsed.id === 'number' && this.acks.has(parsed.id)) {
      const ack = this.acks.get(parsed.id)!;
      this.acks.delete(parsed.id);
      if (parsed.type === 'error') ack.reject(new Error(`error answer: ${message}`));
      else ack.resolve(parsed.data);
      return;
    }
    if (parsed !== null && typeof parsed.text === 'string' && Object.keys(parsed).length === 1) {
      return this.deliver({ kind: 'json', text: parsed.text });
    }
    this.deliver({ kind: 'text', text: message });
  }

  private deliver(delivery: Delivery): void {
    this.inbox.push(delivery);
    const waiting = this.waiting;
    if (waiting !== null && this.inbox.length >= waiting.count) {
      this.waiting = null;
      waiting.resolve();
    }
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
