/** What a cluster broker did since it started (see `broker.stats()`). */
export interface ClusterBrokerStats {
  /** Whether the broker is reachable and every subscription is confirmed. */
  readonly connected: boolean;
  /** Rooms this node receives (rooms with members here, and rooms in their unsubscribe grace). */
  readonly subscribedRooms: number;
  /** Room messages sent to the broker, and the bytes of their envelopes. */
  readonly published: number;
  readonly publishedBytes: number;
  /** Envelopes that reached this node, its own echoes included, and those handed to local members. */
  readonly received: number;
  readonly delivered: number;
  /** Room messages not forwarded: the broker was unreachable, or too slow (`droppedSlow` of them). */
  readonly notForwarded: number;
  readonly droppedSlow: number;
  /** Times the broker became unreachable. */
  readonly outages: number;
}

/** The counters behind {@link ClusterBrokerStats}. */
export class ClusterCounters {
  published = 0;
  publishedBytes = 0;
  received = 0;
  delivered = 0;
}
