import type { BrokerHost } from '../broker';
import { HEARTBEAT, LEAVE, RENEW, ROOMS, ROOM_SIZE, UPDATE, type PresenceScript } from './presence-scripts';

/** The part of a node-redis client presence needs: scripts. */
export interface ScriptClient {
  evalSha(sha: string, options: { arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { arguments: string[] }): Promise<unknown>;
}

/** Rooms per script call (keeps each call, which blocks Redis while it runs, short). */
const SCRIPT_CHUNK = 500;
/** Quiet rooms' counts are renewed this often, in node timeouts: well within their TTL of ten. */
const RENEW_EVERY_TIMEOUTS = 2.5;

/**
 * This node's side of cluster presence in Redis (see presence-scripts.ts): it writes its room
 * counts, coalesced per tick into one script call, heartbeats, and answers room sizes and room
 * lists in one round trip. This node's own members are always counted from memory, exact.
 */
export class RedisPresence {
  private readonly dirty = new Map<string, number>();
  private flushScheduled = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private readonly ttl: string;

  constructor(
    private readonly client: ScriptClient,
    private readonly prefix: string,
    private readonly host: BrokerHost,
    private readonly heartbeatMs: number,
    nodeTimeoutMs: number,
    /** Whether writes can reach Redis now; while not, they wait for {@link resync}. */
    private readonly reachable: () => boolean,
    /** A write or heartbeat failed: the link is suspect. */
    private readonly failed: (error: unknown) => void,
  ) {
    this.ttl = String(nodeTimeoutMs);
  }

  /** A room's member count on this node changed. */
  changed(room: string, size: number): void {
    this.dirty.set(room, size);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  /** Writes every count of this node again, replacing what Redis holds (after a reconnect or a purge). */
  async resync(): Promise<void> {
    this.dirty.clear();
    const rooms = this.host.localRooms();
    let reset = '1';
    for (let start = 0; start === 0 || start < rooms.length; start += SCRIPT_CHUNK) {
      const args = [this.prefix, this.host.nodeId, this.ttl, reset];
      for (const room of rooms.slice(start, start + SCRIPT_CHUNK)) args.push(room, String(this.host.localRoomSize(room)));
      await this.run(UPDATE, args);
      reset = '0';
    }
  }

  startHeartbeat(): void {
    this.heartbeatTimer ??= setInterval(this.heartbeat, this.heartbeatMs).unref();
    this.renewTimer ??= setInterval(this.renew, Number(this.ttl) * RENEW_EVERY_TIMEOUTS).unref();
  }

  /** Members of `room` on every node. */
  async roomSize(room: string): Promise<number> {
    const elsewhere = Number(await this.run(ROOM_SIZE, [this.prefix, this.host.nodeId, room]));
    return elsewhere + this.host.localRoomSize(room);
  }

  /** Rooms with members on any node. */
  async rooms(): Promise<string[]> {
    const elsewhere = (await this.run(ROOMS, [this.prefix, this.host.nodeId])) as string[];
    const all = new Set(this.host.localRooms());
    for (const room of elsewhere) all.add(room);
    return [...all];
  }

  /** This node leaves the cluster: its counts go at once, not at its deadline. */
  async leave(): Promise<void> {
    this.stopHeartbeat();
    await this.run(LEAVE, [this.prefix, this.host.nodeId]);
  }

  stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.heartbeatTimer = null;
    this.renewTimer = null;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.dirty.size === 0) return;
    if (!this.reachable()) return this.dirty.clear(); // resync() writes everything on reconnect
    const changes = [...this.dirty];
    this.dirty.clear();
    for (let start = 0; start < changes.length; start += SCRIPT_CHUNK) {
      const args = [this.prefix, this.host.nodeId, this.ttl, '0'];
      for (const [room, size] of changes.slice(start, start + SCRIPT_CHUNK)) args.push(room, String(size));
      this.run(UPDATE, args).then((added) => {
        if (added === 1) this.resyncQuietly();
      }, this.failed);
    }
  };

  /** Keeps the counts of rooms whose membership has not changed lately from expiring. */
  private readonly renew = (): void => {
    if (!this.reachable()) return;
    const rooms = this.host.localRooms();
    for (let start = 0; start < rooms.length; start += SCRIPT_CHUNK) {
      this.run(RENEW, [this.prefix, this.ttl, ...rooms.slice(start, start + SCRIPT_CHUNK)]).catch(this.failed);
    }
  };

  private readonly heartbeat = (): void => {
    if (!this.reachable()) return;
    this.run(HEARTBEAT, [this.prefix, this.host.nodeId, this.ttl]).then((reply) => {
      // Not registered: this node was purged (it stalled past its deadline) or Redis lost its data.
      if ((reply as number[])[0] === 1) this.resyncQuietly();
    }, this.failed);
  };

  private resyncQuietly(): void {
    this.resync().catch(this.failed);
  }

  private async run(script: PresenceScript, args: string[]): Promise<unknown> {
    try {
      return await this.client.evalSha(script.sha, { arguments: args });
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script.source, { arguments: args });
    }
  }
}
