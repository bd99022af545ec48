import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { MESSAGE_BYTES } from '../config';
import { Driver, waitUntil, type Verdict } from './driver';
import { codecFor, openLink, padTo, readUint, type Target } from './wire';

/**
 * Connection churn: `concurrency` lanes each repeat a cycle as fast as they can — connect to
 * `/room/<lane's room>` (the server joins it), send one message, receive it back from the room
 * broadcast (proof the join happened), close, and wait for the close (the server leaves).
 * A cycle counts once its close completes; any failed cycle fails the run.
 */
export class ChurnDriver extends Driver {
  private readonly targets = new Map<string, Target>();
  private running = false;
  private active = 0;
  private cycleSeq = 0;
  private opened: WebSocket[] = [];

  async setup(targets: readonly Target[]): Promise<void> {
    for (const target of targets) this.targets.set(target.id, target);
  }

  start(targetId: string): void {
    const target = this.targets.get(targetId)!;
    this.running = true;
    this.count = 0;
    for (const lane of this.localIndices(this.init.plan.churn.concurrency)) {
      this.active++;
      void this.lane(target, lane);
    }
  }

  stop(): number {
    this.running = false;
    return 0;
  }

  async verify(targetId: string): Promise<Verdict> {
    const finished = await waitUntil(() => this.active === 0, 15_000);
    if (!finished) this.problem(`${this.active} churn lanes against ${targetId} did not finish their cycle (waited 15 s)`);
    return this.takeVerdict();
  }

  async teardown(): Promise<void> {
    this.tearingDown = true;
    for (const ws of this.opened) ws.terminate();
    this.opened = [];
  }

  private async lane(target: Target, lane: number): Promise<void> {
    const room = `churn-${this.init.workerIndex}-${lane}`;
    try {
      while (this.running) {
        const started = performance.now();
        await this.cycle(target, room);
        this.count++;
        if (this.measuring) this.histogram.recordMicros((performance.now() - started) * 1000);
      }
    } catch (error) {
      this.problem(`churn cycle against ${target.id} failed: ${(error as Error).message}`);
    } finally {
      this.active--;
    }
  }

  private async cycle(target: Target, room: string): Promise<void> {
    const codec = codecFor(target.wire);
    const ws = await openLink(target, { kind: 'room', room });
    this.opened.push(ws);
    const seq = this.cycleSeq++;
    await new Promise<void>((resolve, reject) => {
      let echoed = false;
      const timer = setTimeout(() => reject(new Error(`no ${echoed ? 'close' : 'broadcast'} within 10 s`)), 10_000);
      ws.on('message', (data: Buffer) => {
        if (codec.control(ws, data)) return;
        if (readUint(data, codec.textOffset) !== seq) {
          clearTimeout(timer);
          reject(new Error(`expected broadcast #${seq}, got ${data.toString()}`));
          return;
        }
        echoed = true;
        ws.close(1000);
      });
      ws.on('close', (code: number) => {
        clearTimeout(timer);
        if (echoed) resolve();
        else reject(new Error(`closed with ${code} before the broadcast came back`));
      });
      ws.send(codec.text(padTo(`${seq}:churn:`, MESSAGE_BYTES)));
    });
    const at = this.opened.indexOf(ws);
    if (at >= 0) this.opened.splice(at, 1);
  }
}
