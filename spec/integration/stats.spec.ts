import { IsString } from 'class-validator';
import {
  Conn,
  Message,
  OnMessage,
  ProAPI,
  WebSocket,
  silentLogger,
  type ErrorContext,
  type Instrumentation,
  type WebSocketConnection,
} from '../../index';
import { AuthMiddleware } from '../../middleware';
import { createTestClient, type TestClient } from '../../testing';
import { withTimeout } from '../helpers/async';

class EchoMessage {
  @IsString() text!: string;
}

@WebSocket('/m')
class EchoGateway {
  @OnMessage('echo', EchoMessage)
  echo(@Message() msg: EchoMessage, @Conn() ws: WebSocketConnection) {
    return `${msg.text} from ${ws.path}`;
  }
}

/** Records every instrumentation event, and lets the spec await the n-th close. */
class Recorder implements Instrumentation {
  readonly events: unknown[][] = [];
  private closes = 0;
  private waiter: { count: number; resolve(): void } | null = null;

  connectionOpened(route: string): void {
    this.events.push(['opened', route]);
  }
  connectionClosed(route: string, code: number): void {
    this.events.push(['closed', route, code]);
    if (++this.closes === this.waiter?.count) this.waiter.resolve();
  }
  upgradeRefused(route: string | null, status: number): void {
    this.events.push(['refused', route, status]);
  }
  messageIn(route: string, bytes: number): void {
    this.events.push(['in', route, bytes]);
  }
  messageOut(route: string, bytes: number): void {
    this.events.push(['out', route, bytes]);
  }
  handlerDuration(route: string, type: string, ms: number): void {
    this.events.push(['handled', route, type, ms >= 0]);
  }
  error(route: string | null, code: string): void {
    this.events.push(['error', route, code]);
  }
  broadcast(room: string, bytes: number, receivers: number | undefined): void {
    this.events.push(['broadcast', room, bytes, receivers]);
  }

  closed(count: number): Promise<void> {
    if (this.closes >= count) return Promise.resolve();
    return withTimeout(new Promise((resolve) => (this.waiter = { count, resolve })), 5000, `${count} closes`);
  }

  of(kind: string): unknown[][] {
    return this.events.filter((event) => event[0] === kind);
  }
}

describe('app.stats() and instrumentation after a scripted session', () => {
  const recorder = new Recorder();
  let app: ProAPI;
  let client: TestClient;

  beforeAll(async () => {
    app = new ProAPI({ logger: silentLogger, gateways: [EchoGateway], instrumentation: recorder });
    app.websocket('/room', async (ws) => {
      await ws.accept();
      await ws.joinRoom('lobby');
      for await (const message of ws) await ws.broadcastToAll('lobby', String(message));
    });
    app.websocket('/secure', (ws) => ws.accept(), { middlewares: [new AuthMiddleware(() => null)] });
    client = await createTestClient(app, { timeout: 5000 });
  });
  afterAll(() => client.close());

  it('counts connections, messages, bytes, broadcasts, errors and refusals exactly', async () => {
    const before = await app.stats();
    expect(before.connections).toEqual({ open: 0, opened: 0, closed: 0, closeCodes: {} });

    const a = await client.connect('/m');
    a.sendJson({ type: 'echo', id: 1, text: 'hi' });
    const reply = await a.receiveText();
    a.sendJson({ type: 'echo', id: 2 });
    const error = await a.receiveText();
    expect(JSON.parse(error)).toMatchObject({ type: 'error', error: 'validation', id: 2 });

    const b = await client.connect('/room');
    const c = await client.connect('/room');
    b.sendText('x');
    expect(await b.receiveText()).toBe('x');
    expect(await c.receiveText()).toBe('x');
    const during = await app.stats();
    expect(during.connections.open).toBe(3);
    expect(during.rooms).toBe(1);

    await expect(client.connect('/nope')).rejects.toMatchObject({ status: 404 });
    await expect(client.connect('/secure')).rejects.toMatchObject({ status: 401 });

    await a.close(1000);
    await b.close(4001, 'bye');
    await c.terminate();
    await recorder.closed(3);

    const inBytes = [JSON.stringify({ type: 'echo', id: 1, text: 'hi' }), JSON.stringify({ type: 'echo', id: 2 }), 'x'].map((t) => Buffer.byteLength(t));
    const outBytes = [reply, error].map((t) => Buffer.byteLength(t));
    expect(await app.stats()).toEqual({
      connections: { open: 0, opened: 3, closed: 3, closeCodes: { '1000': 1, '1006': 1, '4001': 1 } },
      rooms: 0,
      messages: { in: 3, out: 2 },
      bytes: { in: inBytes.reduce((x, y) => x + y), out: outBytes.reduce((x, y) => x + y) },
      broadcasts: { count: 1, bytes: 1 },
      notForwarded: 0,
      errors: { validation: 1 },
      refusals: { '401': 1, '404': 1 },
    });

    expect(recorder.of('opened')).toEqual([['opened', '/m'], ['opened', '/room'], ['opened', '/room']]);
    expect(recorder.of('closed')).toEqual([['closed', '/m', 1000], ['closed', '/room', 4001], ['closed', '/room', 1006]]);
    expect(recorder.of('in')).toEqual([['in', '/m', inBytes[0]], ['in', '/m', inBytes[1]], ['in', '/room', 1]]);
    expect(recorder.of('out')).toEqual([['out', '/m', outBytes[0]], ['out', '/m', outBytes[1]]]);
    expect(recorder.of('handled')).toEqual([['handled', '/m', 'echo', true]]);
    expect(recorder.of('error')).toEqual([['error', '/m', 'validation']]);
    expect(recorder.of('broadcast')).toEqual([['broadcast', 'lobby', 1, 2]]);
    expect(recorder.of('refused')).toEqual([['refused', null, 404], ['refused', '/secure', 401]]);
  });
});

describe('the onError hook', () => {
  const seen: { error: unknown; stage: string; where: string; wire: string; status: number }[] = [];
  let client: TestClient;

  beforeAll(async () => {
    const onError = (error: unknown, context: ErrorContext): void | 'handled' => {
      seen.push({ error, stage: context.stage, where: context.where, wire: context.answer.wireCode, status: context.answer.httpStatus });
      if (context.connection.path === '/own-answer') {
        void context.connection.close(4500, 'handled by the app');
        return 'handled';
      }
    };
    const app = new ProAPI({ logger: silentLogger, onError });
    app.websocket('/throws', async function throws(ws) {
      await ws.accept();
      throw new Error('boom');
    });
    app.websocket('/own-answer', async function ownAnswer(ws) {
      await ws.accept();
      await ws.receive();
      throw new Error('the app answers this one itself');
    });
    app.websocket('/before', function before() {
      throw new Error('not ready');
    });
    client = await createTestClient(app, { timeout: 5000 });
  });
  afterAll(() => client.close());

  it('sees each escaped error with its connection and the answer ProAPI would give', async () => {
    const conn = await client.connect('/throws');
    expect(await conn.expectClose()).toEqual({ code: 1011, reason: 'internal error' });
    await expect(client.connect('/before')).rejects.toMatchObject({ status: 500 });
    expect(seen.map(({ stage, where, wire, status }) => ({ stage, where, wire, status }))).toEqual([
      { stage: 'handler', where: 'throws', wire: 'internal', status: 500 },
      { stage: 'handler', where: 'before', wire: 'internal', status: 500 },
    ]);
    expect((seen[0].error as Error).message).toBe('boom');
  });

  it("lets the app answer itself: 'handled' stops ProAPI's own answer", async () => {
    const conn = await client.connect('/own-answer');
    conn.sendText('go');
    expect(await conn.expectClose()).toEqual({ code: 4500, reason: 'handled by the app' });
  });
});
