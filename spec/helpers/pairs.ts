import type { ProAPI, ProAPIOptions, WebSocketConnection } from '../../index';
import type { TestConnection } from '../../testing';
import { startApp, type StartedApp } from './app';
import { deferred, withTimeout } from './async';

/** A message as the client got it: `string` for a text frame, `Buffer` for a binary one. */
export type Received = string | Buffer;

/** A real client and the server-side connection it talks to. */
export interface Pair {
  client: TestConnection;
  conn: WebSocketConnection;
}

export interface PairServer extends StartedApp {
  openPair(): Promise<Pair>;
  /** Opens `count` pairs, `batch` upgrades at a time. */
  openPairs(count: number, batch?: number): Promise<Pair[]>;
}

/**
 * Starts an app whose `/pair` route hands each accepted connection to the spec, so a spec can
 * drive the server side of real clients (join, broadcast, inspect) from its own code.
 */
export async function startPairServer(options: ProAPIOptions = {}, configure?: (app: ProAPI) => void): Promise<PairServer> {
  const waiting = new Map<string, (conn: WebSocketConnection) => void>();
  let nextId = 0;
  const server = await startApp(options, (app) => {
    app.websocket('/pair', async (ws) => {
      await ws.accept();
      waiting.get(ws.queryParams.get('id') ?? '')?.(ws);
      await ws.waitForClose();
    });
    configure?.(app);
  });

  async function openPair(): Promise<Pair> {
    const id = String(nextId++);
    const accepted = deferred<WebSocketConnection>();
    waiting.set(id, accepted.resolve);
    try {
      const client = await server.client.connect(`/pair?id=${id}`);
      const conn = await withTimeout(accepted.promise, 5000, `the server side of client ${id}`);
      return { client, conn };
    } finally {
      waiting.delete(id);
    }
  }

  async function openPairs(count: number, batch = 100): Promise<Pair[]> {
    const pairs: Pair[] = [];
    while (pairs.length < count) {
      const size = Math.min(batch, count - pairs.length);
      pairs.push(...(await Promise.all(Array.from({ length: size }, openPair))));
    }
    return pairs;
  }

  return { ...server, openPair, openPairs };
}

const FENCE = '\u0000fence';

/**
 * What each client received since the last call: sends a fence to every pair and collects
 * messages up to it. uWS keeps each receiver's order across publishes and sends, so once the
 * fence arrives, anything a broadcast before it was going to deliver has arrived.
 */
export async function receivedSinceLastFence(pairs: readonly Pair[]): Promise<Received[][]> {
  for (const { conn } of pairs) await conn.sendText(FENCE);
  return Promise.all(pairs.map(({ client }) => untilFence(client)));
}

async function untilFence(client: TestConnection): Promise<Received[]> {
  const received: Received[] = [];
  for (;;) {
    const message = await client.receive();
    if (message === FENCE) return received;
    received.push(message);
  }
}

/** Cuts the client's TCP connection without a closing handshake and waits for the server to notice. */
export async function disconnectAbruptly({ client, conn }: Pair): Promise<void> {
  await client.terminate();
  await withTimeout(conn.waitForClose(), 5000, 'the server to see the abrupt disconnect');
}
