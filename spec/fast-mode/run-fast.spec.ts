import { createServer, type Server } from 'node:net';
import { ProAPI, silentLogger } from '../../index';
import { createTestClient, type TestConnection } from '../../testing';
import { freePort } from '../helpers/process';
import { BOOT_TIMEOUT_MS, launch, launchFixture, type FastApp } from './fast-process';

jest.setTimeout(BOOT_TIMEOUT_MS);

function sample(name: string, port: number): FastApp {
  return launch('npm', ['run', 'sample', '--', name], { PORT: String(port), FAST: '1', WORKERS: '2', PROAPI_LOG_LEVEL: 'warn' });
}

describe('PORT=<n> FAST=1 WORKERS=2 npm run sample -- bench-server', () => {
  let app: FastApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    app = await sample('bench-server', port).listening();
  });

  afterAll(() => app?.stop());

  it('prints the listening line once every worker accepts, and GET /stats counts them all', async () => {
    expect(app.port).toBe(port);
    expect(app.output.match(/listening on ws:\/\//g)).toHaveLength(1);
    const ready = await app.stats();
    expect(ready.workers?.map((w) => w.connections)).toEqual([0, 0]);

    const client = await createTestClient(app.url, { timeout: 10_000 });
    const echoes: TestConnection[] = [];
    for (let i = 0; i < 20; i++) {
      const conn = await client.connect('/echo');
      conn.sendText(`ping ${i}`);
      expect(await conn.receiveText()).toBe(`ping ${i}`);
      echoes.push(conn);
    }
    const stats = await app.stats();
    expect(stats.connections.open).toBe(20);
    expect(stats.messages).toEqual({ in: 20, out: 20 });
    // Both workers serve: 20 connections all on one has odds 2^-19.
    expect(stats.workers!.every((w) => w.connections > 0)).toBe(true);
    expect(stats.workers!.reduce((sum, w) => sum + w.connections, 0)).toBe(20);
    await client.close();
  });

  it("still refuses a foreign process on the app's port (while the app's own workers share it)", async () => {
    const foreign = new ProAPI({ logger: silentLogger });
    foreign.websocket('/ws', async (ws) => ws.accept());
    await expect(foreign.listen(port, '127.0.0.1')).rejects.toThrow(`could not listen on 127.0.0.1:${port}: the port is in use`);
  });
});

describe('fast mode on a port another process serves', () => {
  let holder: Server;
  afterEach(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('refuses to start, before any worker runs', async () => {
    holder = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    const app = launchFixture({ PORT: String(port) });
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.output).toContain(`could not listen on 127.0.0.1:${port}: the port is in use`);
    expect(app.output).not.toContain('route WS');
  });
});

describe('FAST=1 WORKERS=2 npm run sample -- chat', () => {
  let app: FastApp;

  beforeAll(async () => {
    app = await sample('chat', await freePort()).listening();
  });

  afterAll(() => app?.stop());

  it('counts members over both workers', async () => {
    const client = await createTestClient(app.url, { timeout: 10_000 });
    const people: TestConnection[] = [];
    for (let i = 1; i <= 12; i++) {
      const conn = await client.connect(`/chat/lobby?username=u${i}`);
      expect(await conn.receiveJson()).toEqual({ type: 'system', message: `Welcome to lobby, u${i}`, members: i });
      people.push(conn);
    }
    // Joins announced by different workers may arrive in either order; each carries its exact count.
    for (const [index, conn] of people.entries()) {
      const heard: unknown[] = [];
      for (let k = index + 1; k < people.length; k++) heard.push(await conn.receiveJson());
      const expected = people.slice(index + 1).map((_, k) => ({ type: 'system', message: `u${index + k + 2} has joined the room`, members: index + k + 2 }));
      expect(heard).toEqual(expect.arrayContaining(expected));
      expect(heard).toHaveLength(expected.length);
    }
    await people[0].close();
    for (const conn of people.slice(1)) expect(await conn.receiveJson()).toEqual({ type: 'system', message: 'u1 has left the room', members: 11 });
    await client.close();
  });
});
