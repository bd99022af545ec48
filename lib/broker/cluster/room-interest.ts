/** What a cluster broker does to start and stop receiving one room's traffic. */
export interface RoomChannels {
  /** Resolves once the broker confirmed the subscription. */
  open(room: string): Promise<void>;
  close(room: string): void;
}

/**
 * Which rooms this node receives: a room's channel is open while the room has members here, and
 * for `graceMs` after its last member left, so a room that empties and refills at once (a page
 * reload) keeps its subscription instead of paying two round trips. One timer serves every
 * room in grace.
 */
export class RoomInterest {
  /** Rooms whose channel is open or opening, in grace or not. */
  readonly open = new Set<string>();
  /** Rooms in grace, with the time their channel closes. */
  private readonly leaving = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly channels: RoomChannels,
    private readonly graceMs: number,
  ) {}

  /** The room got its first member here; resolves when its traffic reaches this node. */
  enter(room: string): Promise<void> | undefined {
    if (this.leaving.delete(room)) return undefined;
    if (this.open.has(room)) return undefined;
    this.open.add(room);
    return this.channels.open(room);
  }

  /** The room lost its last member here. */
  leave(room: string): void {
    if (!this.open.has(room)) return;
    if (this.graceMs <= 0) return this.close(room);
    this.leaving.set(room, Date.now() + this.graceMs);
    this.timer ??= setTimeout(this.sweep, this.graceMs).unref();
  }

  /** Forgets every room without closing channels (the connection is going away). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.leaving.clear();
    this.open.clear();
  }

  private close(room: string): void {
    this.open.delete(room);
    this.channels.close(room);
  }

  private readonly sweep = (): void => {
    this.timer = null;
    const now = Date.now();
    let next = Infinity;
    for (const [room, at] of this.leaving) {
      if (at <= now) {
        this.leaving.delete(room);
        this.close(room);
      } else if (at < next) next = at;
    }
    if (next !== Infinity) this.timer = setTimeout(this.sweep, next - now).unref();
  };
}
