import type { ProAPI, WebSocketConnection } from '../../index';
import { RateLimitMiddleware, type RateLimitStore } from '../../middleware';
import { RedisRateLimitStore } from '../../redis';
import type { TestConnection } from '../../testing';
import { startApp, type StartedApp } from '../helpers/app';
import { captureLogger } from '../helpers/capture-logger';
import { BrokerServer } from './broker-server';

/** Every message is answered once: `echo <text>` if it passed the limit, `limited <text>` if not. */
async function echo(ws: WebSocketConnection): Promise<void> {
  await ws.accept();
  for await (const message of ws) await ws.sendText(`echo ${String(message)}`);
}

const route = (store?: RateLimitStore) => (app: ProAPI) =>
  app.websocket('/limited', echo, {
    middlewares: [
      new RateLimitMiddleware({
        maxMessages: 5,
        windowSeconds: 60,
        key: (ws) => ws.queryParams.get('user') ?? undefined,
        onLimit: (ws, message) => void ws.sendText(`limited ${String(message)}`),
        ...(store ? { store } : {}),
      }),
    ],
  });

/** Sends `count` messages and returns the answers, in order. */
async function send(conn: TestConnection, count: number, label: string): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < count; i++) {
    conn.sendText(`${label}${i}`);
    answers.push(await conn.receiveText());
  }
  return answers;
}

const passed = (answers: string[]): number => answers.filter((a) => a.startsWith('echo ')).length;

describe('RateLimitMiddleware with a RedisRateLimitStore: one limit per user over two nodes', () => {
  const prefix = `rl-spec-${process.pid}-${Date.now()}`;
  const stores: RedisRateLimitStore[] = [];
  const nodes: StartedApp[] = [];

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.app.close()));
    await Promise.all(stores.map((s) => s.close()));
  });

  it('lets a user send maxMessages in all, whichever node each connection is on', async () => {
    for (let i = 0; i < 2; i++) {
      const store = new RedisRateLimitStore({ prefix });
      stores.push(store);
      nodes.push(await startApp({}, route(store)));
    }
    const [a, b] = await Promise.all(nodes.map((n) => n.client.connect('/limited?user=ada')));
    const onA = await send(a, 3, 'a');
    const onB = await send(b, 3, 'b');
    expect(onA).toEqual(['echo a0', 'echo a1', 'echo a2']);
    expect(onB).toEqual(['echo b0', 'echo b1', 'limited b2']);
    // Another user has a window of their own.
    const other = await nodes[1].client.connect('/limited?user=grace');
    expect(passed(await send(other, 5, 'g'))).toBe(5);
    await Promise.all([a.close(), b.close(), other.close()]);
  });

  it('is per process without a store: each node lets the same user send maxMessages', async () => {
    const local = await Promise.all([startApp({}, route()), startApp({}, route())]);
    try {
      const [a, b] = await Promise.all(local.map((n) => n.client.connect('/limited?user=ada')));
      expect([passed(await send(a, 6, 'a')), passed(await send(b, 6, 'b'))]).toEqual([5, 5]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await Promise.all(local.map((n) => n.app.close()));
    }
  });

  it('limits per process, logged once, while Redis is unreachable', async () => {
    const server = await BrokerServer.start('redis');
    const store = new RedisRateLimitStore({ url: server.url, prefix, timeoutMs: 500 });
    const logger = captureLogger();
    const node = await startApp({ logger }, route(store));
    try {
      const conn = await node.client.connect('/limited?user=ada');
      expect(await send(conn, 2, 'up')).toEqual(['echo up0', 'echo up1']);
      await server.kill();
      // The in-process window of this node has seen nothing yet: 5 more pass here, then the limit.
      expect(passed(await send(conn, 6, 'down'))).toBe(5);
      expect(logger.entries.filter((e) => /store unreachable/.test(e.message))).toHaveLength(1);
      await conn.close();
    } finally {
      await node.app.close();
      await store.close();
      await server.kill();
    }
  });
});
