/*
 * What nodes tell each other about their members over `<prefix>.presence` (JSON; control
 * traffic, small next to room messages). Every message names its node by id: unique per process
 * start, so a restarted node is a new incarnation. `s` is the node's sequence number: each delta
 * takes the next one, heartbeats and snapshots repeat the current one, so a receiver that missed
 * a delta notices and asks for a snapshot.
 */
export type RoomCounts = [room: string, members: number][];

export type PresenceMessage =
  /** Counts that changed (0: the room emptied on that node). */
  | { readonly t: 'delta'; readonly n: string; readonly s: number; readonly r: RoomCounts }
  /** The node is alive; `s` is its last delta. */
  | { readonly t: 'alive'; readonly n: string; readonly s: number }
  /** All of the node's counts, in parts: the first replaces what receivers knew of the node. */
  | { readonly t: 'snapshot'; readonly n: string; readonly s: number; readonly r: RoomCounts; readonly first: boolean; readonly last: boolean }
  /** Asks `of` (or every node, when absent) for a snapshot. */
  | { readonly t: 'ask'; readonly n: string; readonly of?: string }
  /** The node stops: forget it now. */
  | { readonly t: 'bye'; readonly n: string };

export function encodePresence(message: PresenceMessage): Uint8Array {
  return Buffer.from(JSON.stringify(message));
}

/** The message in `data`, or null for anything else. */
export function decodePresence(data: Uint8Array): PresenceMessage | null {
  try {
    const value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as PresenceMessage;
    return typeof value === 'object' && value !== null && typeof value.n === 'string' && typeof value.t === 'string' ? value : null;
  } catch {
    return null;
  }
}
