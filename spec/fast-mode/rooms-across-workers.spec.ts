import type { AppStats } from '../../index';
import { createTestClient, type TestClient } from '../../testing';
import { VARIANT_CASES } from '../broker/member';
import { httpGet } from '../helpers/http';
import { byWorker, FastMember, membersOnEveryWorker } from './fast-member';
import { BOOT_TIMEOUT_MS, startFixture, type FastApp } from './fast-process';

const PER_PUBLISHER = 20;

describe('fast mode, 2 workers: rooms across worker threads', () => {
  let app: FastApp;
  let client: TestClient;

  beforeAll(async () => {
    app = await startFixture({ WORKERS: '2', PROAPI_LOG_LEVEL: 'warn' });
    client = await createTestClient(app.url, { timeout: 10_000 });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await client?.close();
    await app?.stop();
  });

  it('20 clients in one room, on both workers: every variant reaches each member exactly once, in order per publisher', async () => {
    const members = await Promise.all(Array.from({ length: 20 }, () => FastMember.connect(client)));
    const groups = byWorker(members);
    // The kernel spreads connections by a hash of their ports: 20 all on one worker has odds 2^-19.
    expect(groups.size).toBe(2);
    for (const m of members) await m.join('twenty');
    const stats = await app.stats();
    expect(stats.connections.open).toBe(20);
    expect(stats.rooms).toBe(1);
    expect(stats.workers).toHaveLength(2);
    expect(stats.workers!.map((w) => w.connections).sort()).toEqual([...groups.values()].map((g) => g.length).sort());
    expect(stats.workers!.every((w) => w.rooms === 1)).toBe(true);
    // A scrape reaches one worker, which sums the others' metrics into it.
    const metrics = (await httpGet(`http://127.0.0.1:${app.port}/metrics`)).body;
    expect(metrics).toMatch(/^proapi_connections\{route="\/fast-member"\} 20$/m);
    expect(metrics).toMatch(/^proapi_rooms 1$/m);

    // One publisher per worker, each sending concurrently with the other.
    const publishers = [...groups.values()].map((group) => group[0]);
    for (const [variant, toSelf, kind] of VARIANT_CASES) {
      await Promise.all(
        publishers.map(async (publisher, p) => {
          await Promise.all(Array.from({ length: PER_PUBLISHER }, (_, i) => publisher.publish('twenty', variant, `${variant} p${p}:${i}`)));
          // A publisher's messages keep their order, so its fence arrives after all of them (and after any duplicate).
          await publisher.publish('twenty', 'broadcastToAll', `fence p${p}:end`);
        }),
      );
      for (const member of members) {
        const expected = publishers.map((publisher, p) => [
          ...(toSelf || member !== publisher ? Array.from({ length: PER_PUBLISHER }, (_, i) => ({ kind, text: `${variant} p${p}:${i}` })) : []),
          { kind: 'text', text: `fence p${p}:end` },
        ]);
        await member.received(expected.flat().length);
        const got = member.drain();
        publishers.forEach((_, p) => expect(got.filter((d) => d.text.includes(` p${p}:`))).toEqual(expected[p]));
        expect(got).toHaveLength(expected.flat().length);
      }
    }

    // app.broadcast*() from HTTP requests, which the kernel spreads over both workers too.
    for (let i = 0; i < 10; i++) {
      expect((await httpGet(`http://127.0.0.1:${app.port}/app/broadcast?room=twenty&text=app-${i}&kind=json`)).status).toBe(200);
    }
    await Promise.all(publishers.map((publisher, p) => publisher.publish('twenty', 'broadcastToAll', `fence p${p}:end`)));
    for (const member of members) {
      const got = await member.received(12);
      expect(got.filter((d) => d.kind === 'json').map((d) => d.text).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `app-${i}`).sort());
      expect(member.drain()).toHaveLength(12);
    }
    await Promise.all(members.map((m) => m.close()));
  });

  it('counts room sizes over both workers, exactly, after joins, leaves and abrupt disconnects', async () => {
    const members = await membersOnEveryWorker(client, 2, 4);
    const [onA, onB] = [...byWorker(members).values()];
    // A probe and a departures watcher on each worker; the others come and go.
    const probes = [onA[0], onB[0]];
    for (const probe of probes) await probe.join('departures');
    const comers = [...onA.slice(1), ...onB.slice(1)];
    const sizes = async (): Promise<number[]> => Promise.all(probes.map((probe) => probe.size('sizes')));

    let expected = 0;
    for (const member of comers) {
      await member.join('sizes');
      expected++;
      expect(await sizes()).toEqual([expected, expected]);
    }
    const rooms = JSON.parse((await httpGet(`http://127.0.0.1:${app.port}/app/rooms?room=sizes`)).body) as { size: number; rooms: string[] };
    expect(rooms).toEqual({ size: expected, rooms: ['departures', 'sizes'] });
    expect((await app.stats()).rooms).toBe(2);

    // Leaves: one on each worker.
    for (const leaver of [onA[1], onB[1]]) {
      await leaver.leave('sizes');
      expected--;
      expect(await sizes()).toEqual([expected, expected]);
    }

    // Abrupt disconnects: its worker notices the dead socket, and tells room `departures` the size it then sees.
    for (const gone of [onA[2], onB[2]]) {
      await gone.watch('sizes');
      await gone.terminate();
      expected--;
      for (const probe of probes) {
        const [departure] = await probe.received(1);
        expect(JSON.parse(departure.text)).toEqual({ departed: 'sizes', members: expected });
        probe.drain();
      }
      expect(await sizes()).toEqual([expected, expected]);
    }

    await Promise.all(comers.filter((m) => !m.conn.closed).map((m) => m.close()));
    expect(await sizes()).toEqual([0, 0]);
    const after = JSON.parse((await httpGet(`http://127.0.0.1:${app.port}/app/rooms?room=sizes`)).body) as { size: number; rooms: string[] };
    expect(after).toEqual({ size: 0, rooms: ['departures'] });
    await Promise.all(probes.map((m) => m.close()));
  });

  it('serves the app\'s room API in the main thread too, through the workers', async () => {
    const members = await membersOnEveryWorker(client, 2, 2);
    for (const m of members) await m.join('main');
    process.kill(app.child.pid!, 'SIGUSR2');
    const [, line] = await app.waitFor(/main thread: (.*)\n/, 'the main thread\'s job');
    const answer = JSON.parse(line) as { size: number; rooms: string[]; stats: AppStats };
    expect(answer.size).toBe(members.length);
    expect(answer.rooms).toEqual(['main']);
    expect(answer.stats.connections.open).toBe(members.length);
    expect(answer.stats.workers).toHaveLength(2);
    for (const m of members) expect(await m.received(1)).toEqual([{ kind: 'json', text: 'from the main thread' }]);
    await Promise.all(members.map((m) => m.close()));
  });
});
