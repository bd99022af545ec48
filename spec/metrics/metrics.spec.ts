import { IsInt } from 'class-validator';
import { Conn, Message, OnConnect, OnDisconnect, OnMessage, ProAPI, silentLogger, WebSocket, type WebSocketConnection } from '../../index';
import { AuthMiddleware } from '../../middleware';
import { createTestClient, type TestClient } from '../../testing';
import { deferred } from '../helpers/async';
import { httpGet } from '../helpers/http';
import { parseExposition } from './prometheus-text';

class AddRequest {
  @IsInt() a!: number;
  @IsInt() b!: number;
}

function scriptedApp(disconnected: () => void, options: ConstructorParameters<typeof ProAPI>[0] = {}): ProAPI {
  @WebSocket('/calc/:room')
  class CalculatorGateway {
    @OnConnect()
    async connect(ws: WebSocketConnection) {
      await ws.accept();
      await ws.joinRoom(ws.params.room);
      await ws.sendJson({ type: 'welcome' });
    }

    @OnMessage('add', AddRequest)
    add(@Message() msg: AddRequest) {
      return msg.a + msg.b;
    }

    @OnMessage('shout', null)
    async shout(@Conn() ws: WebSocketConnection) {
      await ws.broadcastJsonToAll(ws.params.room, { type: 'shout' });
    }

    @OnDisconnect()
    left() {
      disconnected();
    }
  }
  const app = new ProAPI({ logger: silentLogger, gateways: [CalculatorGateway], ...options });
  app.websocket('/private', async (ws) => ws.accept(), { middlewares: [new AuthMiddleware(() => null)] });
  return app;
}

describe('Prometheus metrics', () => {
  let client: TestClient;
  afterEach(() => client?.close());

  it('GET /metrics after a scripted session shows its exact counts, as Prometheus text', async () => {
    let left = 0;
    const bothLeft = deferred();
    const app = scriptedApp(() => ++left === 2 && bothLeft.resolve(), { metrics: { path: '/metrics' } });
    client = await createTestClient(app);
    const received: string[] = [];
    const take = async (conn: { receiveText(): Promise<string> }): Promise<string> => {
      const text = await conn.receiveText();
      received.push(text);
      return text;
    };

    const ann = await client.connect('/calc/lobby');
    const bob = await client.connect('/calc/lobby');
    await take(ann);
    await take(bob);
    const sent = ['{"type":"add","id":1,"a":1,"b":2}', '{"type":"add","id":2,"a":1}', '{"type":"divide","id":3}', '{"type":"shout"}'];
    for (const text of sent) ann.sendText(text);
    expect(await take(ann)).toBe('{"type":"add","id":1,"data":3}');
    expect(JSON.parse(await take(ann))).toMatchObject({ error: 'validation', id: 2 });
    expect(JSON.parse(await take(ann))).toMatchObject({ error: 'unknown_type', id: 3 });
    // The shout is a broadcast: it reaches both, and counts as one broadcast with two deliveries, not as sends.
    const shout = await ann.receiveText();
    expect(await bob.receiveText()).toBe(shout);
    await ann.close(1000);
    await bob.close(4001, 'bye');
    await bothLeft.promise;
    await expect(client.connect('/nowhere')).rejects.toMatchObject({ status: 404 });
    await expect(client.connect('/private')).rejects.toMatchObject({ status: 401 });

    const response = await httpGet(`${client.url('/metrics').replace(/^ws/, 'http')}`);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const metrics = parseExposition(response.body);
    const route = { route: '/calc/:room' };
    const bytes = (texts: string[]): number => texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
    expect(metrics.types.get('proapi_connections')).toBe('gauge');
    expect(metrics.series('proapi_connections')).toEqual({ 'route=/calc/:room': 0, 'route=/private': 0 });
    expect(metrics.value('proapi_connections_opened_total', route)).toBe(2);
    expect(metrics.series('proapi_connections_closed_total')).toEqual({ 'code=1000,route=/calc/:room': 1, 'code=4xxx,route=/calc/:room': 1 });
    expect(metrics.series('proapi_upgrades_refused_total')).toEqual({ 'route=none,status=404': 1, 'route=/private,status=401': 1 });
    expect(metrics.value('proapi_messages_received_total', route)).toBe(4);
    expect(metrics.value('proapi_received_bytes_total', route)).toBe(bytes(sent));
    expect(metrics.value('proapi_messages_sent_total', route)).toBe(5); // two welcomes, a reply, two error frames
    expect(metrics.value('proapi_sent_bytes_total', route)).toBe(bytes(received));
    expect(metrics.series('proapi_errors_total')).toEqual({ 'code=unknown_type,route=/calc/:room': 1, 'code=validation,route=/calc/:room': 1 });
    expect(metrics.types.get('proapi_handler_duration_seconds')).toBe('histogram');
    expect(metrics.series('proapi_handler_duration_seconds_count')).toEqual({ 'route=/calc/:room,type=add': 1, 'route=/calc/:room,type=shout': 1 });
    expect(metrics.value('proapi_handler_duration_seconds_bucket', { ...route, type: 'add', le: '+Inf' })).toBe(1);
    expect(metrics.value('proapi_handler_duration_seconds_bucket', { ...route, type: 'add', le: '10' })).toBe(1);
    const buckets = metrics.samples.filter((s) => s.name === 'proapi_handler_duration_seconds_bucket' && s.labels.type === 'add');
    expect(buckets.map((s) => s.value)).toEqual([...buckets.map((s) => s.value)].sort((a, b) => a - b)); // cumulative
    expect(metrics.value('proapi_handler_duration_seconds_sum', { ...route, type: 'add' })).toBeGreaterThan(0);
    expect(metrics.value('proapi_rooms')).toBe(0);
    expect(metrics.value('proapi_broadcasts_total')).toBe(1);
    expect(metrics.value('proapi_broadcast_bytes_total')).toBe(Buffer.byteLength(shout));
    expect(metrics.value('proapi_broadcast_deliveries_total')).toBe(2);
    expect(metrics.value('proapi_broker_not_forwarded_total')).toBe(0);
    // No label names a room or a user.
    for (const sample of metrics.samples) expect(Object.keys(sample.labels)).not.toContain('room');
    expect(response.body).not.toContain('lobby');
    expect(await app.metrics()).toBe(response.body);
  });

  it('counts open connections and rooms while they are open', async () => {
    const app = scriptedApp(() => undefined, { metrics: true });
    client = await createTestClient(app);
    const conns = await Promise.all(['/calc/a', '/calc/b', '/calc/b'].map((path) => client.connect(path)));
    await Promise.all(conns.map((conn) => conn.receiveText()));
    const metrics = parseExposition(await app.metrics());
    expect(metrics.value('proapi_connections', { route: '/calc/:room' })).toBe(3);
    expect(metrics.value('proapi_rooms')).toBe(2);
  });

  it('refuses buckets out of order', () => {
    expect(() => scriptedApp(() => undefined, { metrics: { buckets: [0.1, 0.01] } })).toThrow(/increasing order, got \[0.1, 0.01\]/);
  });

  it('is off by default: nothing registered, app.metrics() says how to turn it on, GET /metrics is 404', async () => {
    const app = scriptedApp(() => undefined);
    client = await createTestClient(app);
    await expect(app.metrics()).rejects.toThrow(/metrics are off; create the app with new ProAPI\(\{ metrics: true \}\)/);
    expect((await httpGet(client.url('/metrics').replace(/^ws/, 'http'))).status).toBe(404);
  });

  it('sums the snapshots of peers (fast mode: one scrape, every worker)', async () => {
    const worker = scriptedApp(() => undefined, { metrics: true });
    const workerClient = await createTestClient(worker);
    const conn = await workerClient.connect('/calc/x');
    await conn.receiveText();
    await conn.sendText('{"type":"add","a":1,"b":1}');
    expect(await conn.receiveText()).toBe('{"type":"add","data":2}');
    const snapshot = await worker.metricsSnapshot();
    const app = scriptedApp(() => undefined, { metrics: { peers: async () => [snapshot, snapshot] } });
    client = await createTestClient(app);
    await (await client.connect('/calc/y')).receiveText();
    const metrics = parseExposition(await app.metrics());
    expect(metrics.value('proapi_connections_opened_total', { route: '/calc/:room' })).toBe(3);
    expect(metrics.value('proapi_connections', { route: '/calc/:room' })).toBe(3);
    expect(metrics.value('proapi_handler_duration_seconds_count', { route: '/calc/:room', type: 'add' })).toBe(2);
    await workerClient.close();
  });
});
