import {
  ClientClosedError,
  ConnectionLostError,
  createClient,
  QueueFullError,
  RequestTimeoutError,
  ServerError,
  type ClientEventName,
  type ClientEvents,
  type ProAPIClient,
} from '../../client';
import type { ProAPI } from '../../index';
import { deferred, withTimeout } from '../helpers/async';
import { calculatorApp, type CalculatorApi } from './client-fixture';

const WAIT_MS = 5000;
const FAST_RECONNECT = { initialDelayMs: 10, maxDelayMs: 50 };

function nextEvent<E extends ClientEventName>(client: ProAPIClient<CalculatorApi>, name: E): Promise<ClientEvents[E]> {
  return withTimeout(
    new Promise<ClientEvents[E]>((resolve) => {
      const off = client.onEvent(name, (event) => {
        off();
        resolve(event);
      });
    }),
    WAIT_MS,
    `the client's "${name}" event`,
  );
}

describe('proapi/client against a real server', () => {
  let app: ProAPI;
  let url: string;
  const clients: ProAPIClient<CalculatorApi>[] = [];

  function connect(options: Parameters<typeof createClient<CalculatorApi>>[1] = {}): ProAPIClient<CalculatorApi> {
    // A url function is read before every attempt: a restarted server may have another port.
    const client = createClient<CalculatorApi>(() => url, { reconnect: FAST_RECONNECT, ...options });
    clients.push(client);
    return client;
  }

  async function serve(make: () => ProAPI = calculatorApp, port = 0): Promise<void> {
    app = make();
    url = `ws://127.0.0.1:${await app.listen(port, '127.0.0.1')}/calc`;
  }

  beforeEach(() => serve());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await app.close();
  });

  it('matches replies to requests by id, also when they overlap', async () => {
    const client = connect();
    const sums = await Promise.all([1, 2, 3].map((n) => client.request('add', { a: n, b: 10 })));
    expect(sums).toEqual([{ sum: 11 }, { sum: 12 }, { sum: 13 }]);
    expect(client.status).toBe('open');
  });

  it('does not take a push that carries an id for the reply to that id', async () => {
    const client = connect();
    const pushed = new Promise((resolve) => client.on('tricky', resolve));
    expect(await client.request('tricky', {})).toBe('the reply');
    expect(await pushed).toEqual({ type: 'tricky', id: 1, text: 'a push, not the reply' });
  });

  it('rejects with the error frame as a ServerError: validation with its issues, unknown_type, a WsException with data', async () => {
    const client = connect();
    const invalid = await client.request('add', { a: 1, b: 'two' as unknown as number }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ServerError);
    expect(invalid).toMatchObject({ code: 'server', error: 'validation', requestType: 'add' });
    expect((invalid as ServerError).issues).toEqual([{ property: 'b', constraints: { isInt: 'b must be an integer number' } }]);

    const untyped = createClient(url);
    clients.push(untyped as unknown as ProAPIClient<CalculatorApi>);
    await expect(untyped.request('divide', { a: 1 })).rejects.toMatchObject({ error: 'unknown_type', message: 'unknown_type: no handler for message type "divide"' });

    const refused = (await client.request('refuse', {}).catch((e: unknown) => e)) as ServerError;
    expect(refused).toMatchObject({ error: 'not_allowed', message: 'not_allowed: you may not', data: { hint: 'ask nicely' } });
    // Still connected, and still answering.
    expect(await client.request('add', { a: 2, b: 2 })).toEqual({ sum: 4 });
  });

  it('times out a request without a reply, and ignores the reply that comes later', async () => {
    const release = deferred();
    const started = deferred();
    await app.close();
    await serve(() => calculatorApp(() => ({ started: started.resolve, release: release.promise })));
    const client = connect();
    const errors: unknown[] = [];
    client.onEvent('error', (e) => errors.push(e));
    const timedOut = client.request('wait', {}, { timeoutMs: 50 }).catch((e: unknown) => e);
    await started.promise;
    const error = await timedOut;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ requestType: 'wait', timeoutMs: 50, sent: true });
    release.resolve();
    // The late reply arrives before this one (one message at a time per connection) and is dropped quietly.
    expect(await client.request('add', { a: 1, b: 1 })).toEqual({ sum: 2 });
    expect(errors).toEqual([]);
  });

  it('delivers pushes to on(type) listeners and to for-await loops; send() is fire-and-forget', async () => {
    const ann = connect();
    const notices: unknown[] = [];
    ann.on('notice', (notice) => notices.push(notice.text));
    await ann.whenConnected();
    const loop = (async () => {
      const seen: string[] = [];
      for await (const push of ann) {
        seen.push(`${push.type}:${push.text}`);
        if (seen.length === 2) break;
      }
      return seen;
    })();
    const bob = connect();
    await bob.whenConnected();
    expect(bob.send('shout', { text: 'one' })).toBe('sent');
    bob.send('shout', { text: 'two' });
    expect(await withTimeout(loop, WAIT_MS, 'two shouts in the loop')).toEqual(['shout:one', 'shout:two']);
    expect(notices).toEqual(['welcome']);
  });

  it('reconnects after the server restarts; queued requests resolve, the one in flight is lost', async () => {
    const release = deferred();
    const started = deferred();
    await app.close();
    await serve(() => calculatorApp(() => ({ started: started.resolve, release: release.promise })));
    const firstUrl = url;
    const client = connect();
    const events: string[] = [];
    for (const name of ['connected', 'disconnected', 'reconnecting', 'closed'] as const) {
      client.onEvent(name, (event) => events.push(`${name} ${JSON.stringify(event)}`));
    }
    await client.whenConnected();
    const inFlight = client.request('wait', {}).catch((e: unknown) => e);
    await started.promise;

    const reconnecting = nextEvent(client, 'reconnecting');
    release.resolve(); // app.close() waits for the handler; its reply is dropped at the close
    await app.close();
    expect(await inFlight).toBeInstanceOf(ConnectionLostError);
    expect(await inFlight).toMatchObject({ closeCode: 1001 });
    await reconnecting;
    expect(client.status).toBe('reconnecting');

    const queued = client.request('add', { a: 20, b: 22 });
    expect(client.send('shout', { text: 'queued' })).toBe('queued');
    const shout = new Promise((resolve) => client.on('shout', resolve));
    const reconnected = nextEvent(client, 'connected');
    // Not on the same port: on some kernels a listener in the same process is refused while the
    // connections app.close() closed are in TIME_WAIT (README, uWS caveats). client-restart.spec.ts
    // restarts a new process on the same port.
    await serve(calculatorApp);
    expect(await reconnected).toEqual({ url, reconnected: true });
    expect(await withTimeout(queued, WAIT_MS, 'the queued request')).toEqual({ sum: 42 });
    expect(await withTimeout(shout, WAIT_MS, 'the queued shout, broadcast back')).toEqual({ type: 'shout', text: 'queued' });
    expect(events[0]).toBe(`connected ${JSON.stringify({ url: firstUrl, reconnected: false })}`);
    expect(events[1]).toBe('disconnected {"code":1001,"reason":"server shutting down","willReconnect":true}');
    expect(events[2]).toMatch(/^reconnecting \{"attempt":1,"delayMs":\d+,"code":1001,"reason":"server shutting down"\}$/);
    expect(events.at(-1)).toBe(`connected ${JSON.stringify({ url, reconnected: true })}`);
  });

  it('fails queued requests clearly: when their timeout passes, when the queue is full, when the client closes', async () => {
    const client = connect({ maxQueuedMessages: 2 });
    await client.whenConnected();
    const reconnecting = nextEvent(client, 'reconnecting');
    await app.close();
    await reconnecting;
    const expiring = client.request('add', { a: 1, b: 1 }, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(await expiring).toMatchObject({ code: 'timeout', sent: false });
    const waiting = client.request('add', { a: 1, b: 2 }).catch((e: unknown) => e);
    client.send('shout', { text: 'a' });
    expect(() => client.send('shout', { text: 'b' })).toThrow(QueueFullError);
    await expect(client.request('add', { a: 1, b: 3 })).rejects.toThrow(/maxQueuedMessages/);
    await client.close();
    expect(await waiting).toBeInstanceOf(ClientClosedError);
    expect(client.status).toBe('closed');
    await expect(client.request('add', { a: 1, b: 4 })).rejects.toBeInstanceOf(ClientClosedError);
    expect(() => client.send('shout', { text: 'c' })).toThrow(ClientClosedError);
  });

  it('gives up after maxAttempts and says why', async () => {
    const client = connect({ reconnect: { ...FAST_RECONNECT, maxAttempts: 2 } });
    await client.whenConnected();
    const closed = nextEvent(client, 'closed');
    const attempts: number[] = [];
    client.onEvent('reconnecting', ({ attempt }) => attempts.push(attempt));
    const loop = (async () => {
      for await (const push of client) void push;
    })();
    await app.close();
    const { error } = await closed;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error?.message).toMatch(/after 2 reconnect attempts; not reconnecting/);
    expect(attempts).toEqual([1, 2]);
    await expect(loop).rejects.toBe(error);
  });

  it('does not reconnect after a normal close by the server (1000)', async () => {
    const client = connect();
    await client.whenConnected();
    const disconnected = nextEvent(client, 'disconnected');
    const closed = nextEvent(client, 'closed');
    client.send('bye', {});
    expect(await disconnected).toEqual({ code: 1000, reason: 'bye', willReconnect: false });
    expect((await closed).error).toMatchObject({ code: 'connection_lost', closeCode: 1000, closeReason: 'bye' });
    expect(client.status).toBe('closed');
  });

  it('refuses close codes and reasons a browser would refuse, before closing anything', async () => {
    const client = connect();
    await client.whenConnected();
    expect(() => client.close(1001)).toThrow('close code 1001: a client may close with 1000 or 3000-4999');
    expect(() => client.close(4000, 'x'.repeat(124))).toThrow('close reason: at most 123 bytes of UTF-8');
    expect(client.status).toBe('open');
  });

  it('does not reconnect with reconnect: false', async () => {
    const client = connect({ reconnect: false });
    await client.whenConnected();
    const closed = nextEvent(client, 'closed');
    await app.close();
    expect((await closed).error).toMatchObject({ closeCode: 1001 });
    expect(client.status).toBe('closed');
  });
});
