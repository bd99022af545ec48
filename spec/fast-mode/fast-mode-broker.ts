import type { AppStats } from '../../index';
import { createTestClient, type TestClient } from '../../testing';
import { brokerConformance } from '../broker/broker-conformance';
import { VARIANT_CASES } from '../broker/member';
import { byWorker, membersOnEveryWorker, type FastMember } from './fast-member';
import { BOOT_TIMEOUT_MS, startFixture, type FastApp } from './fast-process';

const PER_PUBLISHER = 20;
/** How long every member must stay silent after a round, to show nothing came twice. */
const SILENCE_MS = 150;
const silence = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SILENCE_MS));

/**
 * Fast mode with a cluster broker: two processes, each with 2 worker threads, every worker a node
 * of the broker's cluster (its own connection, no worker broker). A message must reach each member
 * once whichever of the four workers the publisher and the member sit on. `cleanUp` runs after
 * both processes have stopped (e.g. to delete what the broker kept under `prefix`).
 */
export function fastModeWithBroker(
  name: string,
  broker: 'redis' | 'nats',
  url: string,
  prefix: string,
  cleanUp: () => Promise<void>,
): void {
  // Two fast-mode processes boot four ts-node worker threads (and two main threads) at once.
  jest.setTimeout(BOOT_TIMEOUT_MS);
  const env = { WORKERS: '2', PROAPI_LOG_LEVEL: 'warn', BROKER: broker, BROKER_URL: url, BROKER_PREFIX: prefix };
  const started = Promise.all([startFixture(env), startFixture(env)]);
  started.catch(() => undefined); // reported by the suite that awaits it

  afterAll(async () => {
    await Promise.all((await started.catch(() => [] as FastApp[])).map((app) => app.stop()));
    await cleanUp();
  });

  describe(`fast mode with ${name}: 2 processes x 2 workers`, () => {
    let apps: FastApp[];
    let clients: TestClient[];

    beforeAll(async () => {
      apps = await started;
      clients = await Promise.all(apps.map((app) => createTestClient(app.url, { timeout: 10_000 })));
    }, BOOT_TIMEOUT_MS);

    afterAll(async () => {
      await Promise.all((clients ?? []).map((client) => client.close()));
    });

    /** Members on both workers of both processes, keyed `process/worker`. */
    const spreadMembers = async (perWorker: number): Promise<Map<string, FastMember[]>> => {
      const groups = new Map<string, FastMember[]>();
      for (const [node, client] of clients.entries()) {
        const members = await membersOnEveryWorker(client, 2, perWorker);
        for (const [worker, group] of byWorker(members)) groups.set(`${node}/${worker}`, group);
      }
      return groups;
    };

    /**
     * Another node's joins reach a worker's room sizes within a network hop (README, Scale-out):
     * asks one member per worker until each counts `expected`, for at most 2 s.
     */
    const expectSizeEverywhere = async (groups: Map<string, FastMember[]>, room: string, expected: number): Promise<void> => {
      const askers = [...groups.values()].map((group) => group[0]);
      const deadline = Date.now() + 2_000;
      for (;;) {
        const sizes = await Promise.all(askers.map((m) => m.size(room)));
        if (sizes.every((size) => size === expected) || Date.now() >= deadline) return expect(sizes).toEqual(askers.map(() => expected));
        await new Promise((resolve) => setImmediate(resolve));
      }
    };

    it('every variant reaches each member on all four workers exactly once, in order per publisher', async () => {
      const groups = await spreadMembers(3);
      const members = [...groups.values()].flat();
      for (const m of members) await m.join('spread');
      // Each process's stats see its own two workers, both with members.
      const stats = await Promise.all(apps.map((app) => app.stats()));
      for (const [node, { workers }] of stats.entries()) {
        const mine = [...groups].filter(([key]) => key.startsWith(`${node}/`)).map(([, group]) => group.length);
        expect(workers!.map((w) => w.connections).sort()).toEqual(mine.sort());
        expect(workers!.every((w) => w.rooms === 1)).toBe(true);
      }
      expect(stats.map((s) => s.rooms)).toEqual([1, 1]); // the room list is the cluster's
      await expectSizeEverywhere(groups, 'spread', members.length);

      // One publisher per worker, all four sending at once.
      const publishers = [...groups.values()].map((group) => group[0]);
      for (const [variant, toSelf, kind] of VARIANT_CASES) {
        await Promise.all(
          publishers.map(async (publisher, p) => {
            await Promise.all(Array.from({ length: PER_PUBLISHER }, (_, i) => publisher.publish('spread', variant, `${variant} p${p}:${i}`)));
            await publisher.publish('spread', 'broadcastToAll', `fence p${p}:end`);
          }),
        );
        const expected = members.map((member) =>
          publishers.map((publisher, p) => [
            ...(toSelf || member !== publisher ? Array.from({ length: PER_PUBLISHER }, (_, i) => ({ kind, text: `${variant} p${p}:${i}` })) : []),
            { kind: 'text', text: `fence p${p}:end` },
          ]),
        );
        await Promise.all(members.map((member, m) => member.received(expected[m].flat().length)));
        await silence();
        for (const [m, member] of members.entries()) {
          const got = member.drain();
          publishers.forEach((_, p) => expect(got.filter((d) => d.text.includes(` p${p}:`))).toEqual(expected[m][p]));
          expect(got).toHaveLength(expected[m].flat().length);
        }
      }
      await Promise.all(members.map((m) => m.close()));
    });

    it("app.broadcast*() in one process's main thread reaches every member of both processes once", async () => {
      const groups = await spreadMembers(2);
      const members = [...groups.values()].flat();
      for (const m of members) await m.join('main');
      await expectSizeEverywhere(groups, 'main', members.length);
      process.kill(apps[0].child.pid!, 'SIGUSR2');
      const [, line] = await apps[0].waitFor(/main thread: (.*)\n/, "the main thread's job");
      const answer = JSON.parse(line) as { size: number; rooms: string[]; stats: AppStats };
      expect(answer.size).toBe(members.length);
      expect(answer.rooms).toContain('main');
      await Promise.all(members.map((m) => m.received(1)));
      await silence();
      for (const m of members) expect(m.drain()).toEqual([{ kind: 'json', text: 'from the main thread' }]);
      await Promise.all(members.map((m) => m.close()));
    });
  });

  // Each URL is a process; the kernel spreads each process's members over its two workers.
  brokerConformance(
    `${name} in fast mode (2 processes x 2 workers)`,
    async () => {
      const apps = await started;
      return { urls: apps.map((app) => app.url), stop: async () => void (await Promise.all(apps.map((app) => app.stop()))) };
    },
    { joinPairs: 200, sizeSettleMs: 2_000, places: 4 },
  );
}
