import { silentLogger } from '../../index';
import { ClusterRooms } from '../../lib/cluster/cluster-rooms';
import type { ToWorker } from '../../lib/cluster/control';
import { DEFAULT_MESH_LIMITS, roomMessageBytes } from '../../lib/cluster/peer-link';
import type { WorkerHandle } from '../../lib/cluster/worker-handle';

/** A serving worker as the main thread sees it: what was sent to it, in order. */
function worker(id: number): WorkerHandle & { sent: ToWorker[] } {
  const sent: ToWorker[] = [];
  return { id, state: 'ready', sent, send: (message: ToWorker) => sent.push(message) } as unknown as WorkerHandle & { sent: ToWorker[] };
}

const kinds = (sent: readonly ToWorker[], type: ToWorker['type']): ToWorker[] => sent.filter((m) => m.type === type);
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/*
 * The main thread's broadcasts in fast mode, to a worker whose event loop is blocked (it never
 * acknowledges) beside one that keeps up: what the blocked one is sent stays bounded, and the
 * drops are counted by the one that keeps up, in one message per event-loop turn.
 */
describe("fast mode: the main thread's broadcasts to a worker that does not keep up", () => {
  const limit = DEFAULT_MESH_LIMITS.maxPendingFrames;
  const room = 'lobby';
  const bytes = roomMessageBytes(room, 'hi');

  function setUp(): { rooms: ClusterRooms; blocked: ReturnType<typeof worker>; awake: ReturnType<typeof worker>; publish(count: number): void } {
    const blocked = worker(1);
    const awake = worker(2);
    const rooms = new ClusterRooms(() => [blocked, awake], { viaBroker: false, workerTimeoutMs: 5_000, logger: silentLogger });
    rooms.workerReady(blocked);
    rooms.workerReady(awake);
    // The awake worker acknowledges in batches, as it does once per event-loop turn.
    const publish = (count: number): void => {
      for (let i = 1; i <= count; i++) {
        rooms.publish(room, 'hi', false);
        if (i % 1000 === 0 || i === count) rooms.delivered(awake, i % 1000 || 1000, (i % 1000 || 1000) * bytes);
      }
    };
    return { rooms, blocked, awake, publish };
  }

  it('sends the blocked worker no more than its bound, and hands the count to the other once per turn', async () => {
    const { blocked, awake, publish } = setUp();
    publish(limit + 50);
    await nextTurn();
    expect(kinds(blocked.sent, 'publish')).toHaveLength(limit);
    expect(kinds(blocked.sent, 'not-forwarded')).toEqual([]);
    expect(kinds(awake.sent, 'publish')).toHaveLength(limit + 50);
    expect(kinds(awake.sent, 'not-forwarded')).toEqual([{ type: 'not-forwarded', count: 50 }]);

    publish(20);
    await nextTurn();
    expect(blocked.sent).toHaveLength(limit);
    expect(kinds(awake.sent, 'not-forwarded')).toEqual([
      { type: 'not-forwarded', count: 50 },
      { type: 'not-forwarded', count: 20 },
    ]);
  });

  it('counts the drops before a question in the stats that answer it', async () => {
    const { rooms, awake, publish } = setUp();
    publish(limit + 5);
    void rooms.stats();
    const last = awake.sent.slice(-2);
    expect(last).toEqual([{ type: 'not-forwarded', count: 5 }, expect.objectContaining({ type: 'ask', question: 'stats' })]);
    await nextTurn();
    expect(kinds(awake.sent, 'not-forwarded')).toHaveLength(1);
  });
});
