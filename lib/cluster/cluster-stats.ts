import type { AppStats, WorkerSummary } from '../instrumentation/stats';

/** One worker's counters, its `rooms` counting the rooms with members in that worker. */
export interface WorkerStats {
  readonly id: number;
  readonly stats: AppStats;
}

/**
 * The app's stats in fast mode: every counter summed over the workers, `rooms` the rooms of the
 * whole app (a room with members in two workers counts once), and one {@link WorkerSummary} per worker, by id.
 * `partial`: some worker did not answer in time, and is left out.
 */
export function mergeWorkerStats(rooms: number, workers: readonly WorkerStats[], partial = false): AppStats {
  const all = [...workers].sort((a, b) => a.id - b.id);
  const sum = (pick: (stats: AppStats) => number): number => all.reduce((total, worker) => total + pick(worker.stats), 0);
  return {
    connections: {
      open: sum((s) => s.connections.open),
      opened: sum((s) => s.connections.opened),
      closed: sum((s) => s.connections.closed),
      closeCodes: sumRecords(all.map((w) => w.stats.connections.closeCodes)),
    },
    rooms,
    messages: { in: sum((s) => s.messages.in), out: sum((s) => s.messages.out) },
    bytes: { in: sum((s) => s.bytes.in), out: sum((s) => s.bytes.out) },
    broadcasts: { count: sum((s) => s.broadcasts.count), bytes: sum((s) => s.broadcasts.bytes) },
    notForwarded: sum((s) => s.notForwarded),
    errors: sumRecords(all.map((w) => w.stats.errors)),
    refusals: sumRecords(all.map((w) => w.stats.refusals)),
    workers: all.map(summarize),
    ...(partial ? { partial } : {}),
  };
}

function summarize({ id, stats }: WorkerStats): WorkerSummary {
  return { id, connections: stats.connections.open, rooms: stats.rooms, messages: stats.messages };
}

function sumRecords(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const record of records) for (const [key, count] of Object.entries(record)) total[key] = (total[key] ?? 0) + count;
  return Object.fromEntries(Object.entries(total).sort(([a], [b]) => (a < b ? -1 : 1)));
}
