import type { AppStats } from '../../index';
import type { TestClient } from '../../testing';
import { Member } from '../broker/member';

/** A member of the fast-mode fixture (`/fast-member`), which knows its worker thread. */
export class FastMember extends Member {
  worker = 0;

  static async connect(client: TestClient, node = 0): Promise<FastMember> {
    const member = new FastMember(await client.connect('/fast-member'), node);
    member.worker = (await member.ask('whoami', {})) as number;
    return member;
  }

  /** Makes its worker throw an uncaught error (after answering). */
  crashWorker(): Promise<unknown> {
    return this.ask('crash', {});
  }

  /** Blocks its worker's event loop (after answering) until `file` exists. */
  blockWorker(file: string): Promise<unknown> {
    return this.ask('block', { file });
  }

  /** Broadcasts `count` messages of `size` characters to `room`. */
  flood(room: string, count: number, size: number): Promise<unknown> {
    return this.ask('flood', { room, count, size });
  }

  async stats(): Promise<AppStats> {
    return (await this.ask('stats', {})) as AppStats;
  }

  /** When it closes, room `departures` hears `{ departed: room, members }`. */
  watch(room: string): Promise<unknown> {
    return this.ask('watch', { room });
  }
}

/** Connects members until at least `perWorker` are on each of `workers` worker threads. */
export async function membersOnEveryWorker(client: TestClient, workers: number, perWorker: number): Promise<FastMember[]> {
  const members: FastMember[] = [];
  const count = (): Map<number, number> => {
    const byWorker = new Map<number, number>();
    for (const m of members) byWorker.set(m.worker, (byWorker.get(m.worker) ?? 0) + 1);
    return byWorker;
  };
  // The kernel picks the worker by a hash of the connection's ports; 200 tries miss with odds ~2^-190.
  for (let tries = 0; tries < 200; tries++) {
    const byWorker = count();
    if (byWorker.size >= workers && [...byWorker.values()].every((n) => n >= perWorker)) return members;
    members.push(await FastMember.connect(client));
  }
  throw new Error(`could not get ${perWorker} members on each of ${workers} workers: ${JSON.stringify([...count()])}`);
}

/** Members grouped by worker thread id. */
export function byWorker(members: readonly FastMember[]): Map<number, FastMember[]> {
  const groups = new Map<number, FastMember[]>();
  for (const m of members) groups.set(m.worker, [...(groups.get(m.worker) ?? []), m]);
  return groups;
}
