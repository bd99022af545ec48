import {
  InvalidRoomNameError,
  MessageTooLargeError,
  ProAPI,
  WebSocketDisconnect,
  WebSocketStateError,
  silentLogger,
  type WebSocketConnection,
} from '../../index';
import { createTestClient } from '../../testing';
import { captureLogger, type CapturedLogger } from '../helpers/capture-logger';
import { deferred, withTimeout } from '../helpers/async';
import { disconnectAbruptly, receivedSinceLastFence, startPairServer, type Pair, type PairServer, type Received } from '../helpers/pairs';

const ROOMS = ['alpha', 'beta', 'gamma'] as const;
const PER_ROOM = 20;

/** 3 rooms × 20 clients; `members[r]` are the pairs in ROOMS[r]. */
async function openRooms(server: PairServer): Promise<Pair[][]> {
  const pairs = await server.openPairs(ROOMS.length * PER_ROOM);
  const members = ROOMS.map((_, r) => pairs.slice(r * PER_ROOM, (r + 1) * PER_ROOM));
  for (let r = 0; r < ROOMS.length; r++) for (const { conn } of members[r]) await conn.joinRoom(ROOMS[r]);
  return members;
}

/** A text frame, as the client receives it. */
function text(data: string): Received {
  return data;
}

/** A binary frame, as the client receives it. */
function binary(bytes: number[]): Received {
  return Buffer.from(bytes);
}

/** Asserts that exactly `expected` received `message` (once) since the last fence, and nobody else anything. */
async function expectDelivered(all: readonly Pair[], expected: readonly Pair[], message: Received): Promise<void> {
  const received = await receivedSinceLastFence(all);
  const receivers = new Set(expected);
  all.forEach((pair, i) => {
    const label = `client ${i}${receivers.has(pair) ? ' (in the expected set)' : ''}`;
    expect({ label, received: received[i] }).toEqual({ label, received: receivers.has(pair) ? [message] : [] });
  });
}

describe('rooms: 3 rooms × 20 clients', () => {
  let server: PairServer;
  let members: Pair[][];
  let outsider: Pair;
  let all: Pair[];
  beforeAll(async () => {
    server = await startPairServer();
    members = await openRooms(server);
    outsider = await server.openPair();
    all = [...members.flat(), outsider];
  });
  afterAll(() => server.app.close());

  it('counts members exactly from the connection and from the app', async () => {
    expect((await server.app.getRooms()).sort()).toEqual([...ROOMS]);
    for (let r = 0; r < ROOMS.length; r++) {
      expect(await server.app.getRoomSize(ROOMS[r])).toBe(PER_ROOM);
      for (const { conn } of members[r]) {
        expect(await conn.getRooms()).toEqual([ROOMS[r]]);
        expect(await conn.getRoomSize(ROOMS[(r + 1) % ROOMS.length])).toBe(PER_ROOM);
      }
    }
    expect(await server.app.getRoomSize('nobody-here')).toBe(0);
  });

  const json = { type: 'chat', text: 'héllo 🎉', n: [1, 2] };
  const bytes = [0, 255, 128, 7, 0];
  // A view into a larger buffer, as Node's pooled Buffers are: only the view may be sent.
  const pooledView = (): Buffer => Buffer.from([9, 9, ...bytes, 9]).subarray(2, 2 + bytes.length);
  interface Variant {
    name: string;
    send(sender: WebSocketConnection, app: ProAPI): Promise<void> | void;
    message: Received;
    reaches: 'alpha but the sender' | 'all of alpha' | 'all of beta';
    from?: 'a connection in no room';
  }
  const variants: Variant[] = [
    { name: 'broadcast', send: (ws) => ws.broadcast('alpha', 'to others'), message: text('to others'), reaches: 'alpha but the sender' },
    { name: 'broadcastJson', send: (ws) => ws.broadcastJson('alpha', json), message: text(JSON.stringify(json)), reaches: 'alpha but the sender' },
    { name: 'broadcastBytes', send: (ws) => ws.broadcastBytes('alpha', pooledView()), message: binary(bytes), reaches: 'alpha but the sender' },
    { name: 'broadcastToAll', send: (ws) => ws.broadcastToAll('alpha', 'to all'), message: text('to all'), reaches: 'all of alpha' },
    { name: 'broadcastJsonToAll', send: (ws) => ws.broadcastJsonToAll('alpha', json), message: text(JSON.stringify(json)), reaches: 'all of alpha' },
    {
      name: 'broadcastBytesToAll',
      send: (ws) => ws.broadcastBytesToAll('alpha', new Uint8Array(bytes).buffer),
      message: binary(bytes),
      reaches: 'all of alpha',
    },
    { name: 'app.broadcast', send: (_ws, app) => app.broadcast('alpha', 'from the app'), message: text('from the app'), reaches: 'all of alpha' },
    { name: 'app.broadcastJson', send: (_ws, app) => app.broadcastJson('alpha', json), message: text(JSON.stringify(json)), reaches: 'all of alpha' },
    { name: 'app.broadcastBytes', send: (_ws, app) => app.broadcastBytes('alpha', pooledView()), message: binary(bytes), reaches: 'all of alpha' },
    { name: 'broadcast to a room the sender is not in', send: (ws) => ws.broadcast('beta', 'outside'), message: text('outside'), reaches: 'all of beta' },
    { name: 'broadcastToAll to a room the sender is not in', send: (ws) => ws.broadcastToAll('beta', 'o'), message: text('o'), reaches: 'all of beta' },
    // uWS's own ws.publish sends nothing from a socket that is in no room at all.
    {
      name: 'broadcast from a connection in no room',
      send: (ws) => ws.broadcast('alpha', 'from nowhere'),
      message: text('from nowhere'),
      reaches: 'all of alpha',
      from: 'a connection in no room',
    },
    {
      name: 'broadcastBytes from a connection in no room',
      send: (ws) => ws.broadcastBytes('alpha', pooledView()),
      message: binary(bytes),
      reaches: 'all of alpha',
      from: 'a connection in no room',
    },
  ];

  it.each(variants)('$name reaches $reaches, with its frame kind, and no one else', async ({ send, message, reaches, from }) => {
    const sender = from ? outsider : members[0][0];
    await send(sender.conn, server.app);
    const expected = { 'alpha but the sender': members[0].slice(1), 'all of alpha': members[0], 'all of beta': members[1] }[reaches];
    await expectDelivered(all, expected, message);
  });

  it.each([
    // Sent from a member of beta: all 20 of alpha receive it.
    { name: 'broadcastJson', send: (value: object) => members[1][0].conn.broadcastJson('alpha', value) },
    { name: 'broadcastJsonToAll', send: (value: object) => members[0][0].conn.broadcastJsonToAll('alpha', value) },
    { name: 'app.broadcastJson', send: (value: object) => server.app.broadcastJson('alpha', value) },
  ])('$name serializes its payload once for all 20 receivers', async ({ send }) => {
    let calls = 0;
    const value = { toJSON: () => ({ call: ++calls }) };
    await send(value);
    expect(calls).toBe(1);
    await expectDelivered(all, members[0], text('{"call":1}'));
  });

  it('keeps order across variants and rooms for each receiver', async () => {
    const [a, b] = [members[0][0].conn, members[0][1].conn];
    for (let i = 0; i < 30; i++) {
      await a.broadcastToAll('alpha', `a${i}`);
      await b.broadcastJson('alpha', { i });
      server.app.broadcastBytes('alpha', Buffer.from([i]));
    }
    const received = await receivedSinceLastFence(members[0]);
    const expectedFor = (self: WebSocketConnection): Received[] =>
      Array.from({ length: 30 }, (_, i) => [
        text(`a${i}`),
        ...(self === b ? [] : [text(JSON.stringify({ i }))]),
        binary([i]),
      ]).flat();
    members[0].forEach(({ conn }, i) => expect(received[i]).toEqual(expectedFor(conn)));
  });
});

describe('rooms: joins, leaves and disconnects', () => {
  let server: PairServer;
  beforeEach(async () => {
    server = await startPairServer();
  });
  afterEach(() => server.app.close());

  it('keeps getRooms and getRoomSize exact through joins, leaves and abrupt disconnects', async () => {
    const members = await openRooms(server);
    const [alpha, beta, gamma] = members;
    const { app } = server;

    // Joining twice and leaving a room never joined change nothing.
    await alpha[0].conn.joinRoom('alpha');
    await alpha[0].conn.leaveRoom('never-joined');
    expect(await app.getRoomSize('alpha')).toBe(20);
    expect(await alpha[0].conn.getRooms()).toEqual(['alpha']);
    expect(await app.getRooms()).not.toContain('never-joined');

    // One connection in two rooms.
    await alpha[1].conn.joinRoom('beta');
    expect((await alpha[1].conn.getRooms()).sort()).toEqual(['alpha', 'beta']);
    expect(await app.getRoomSize('beta')).toBe(21);

    await alpha[2].conn.leaveRoom('alpha');
    expect(await alpha[2].conn.getRooms()).toEqual([]);
    expect(await app.getRoomSize('alpha')).toBe(19);

    // Abrupt disconnects: sizes drop as soon as the server sees the socket go.
    for (const pair of beta.slice(0, 5)) await disconnectAbruptly(pair);
    await disconnectAbruptly(alpha[1]);
    expect(await app.getRoomSize('beta')).toBe(15);
    expect(await app.getRoomSize('alpha')).toBe(18);
    expect(await beta[0].conn.getRooms()).toEqual([]);
    expect(await alpha[3].conn.getRoomSize('beta')).toBe(15);

    // A clean close counts the same.
    await gamma[0].client.close(1000);
    await withTimeout(gamma[0].conn.waitForClose(), 5000, 'the clean close');
    expect(await app.getRoomSize('gamma')).toBe(19);

    // Broadcasts reach exactly the members that are left.
    const open = [...alpha.filter((_, i) => i !== 1), ...beta.slice(5), ...gamma.slice(1)];
    server.app.broadcast('alpha', 'still here?');
    await expectDelivered(open, alpha.filter((_, i) => i !== 1 && i !== 2), text('still here?'));
    server.app.broadcast('beta', 'beta after');
    await expectDelivered(open, beta.slice(5), text('beta after'));

    // Everyone gone: no room is left.
    await Promise.all(open.map(disconnectAbruptly));
    expect(await app.getRooms()).toEqual([]);
    for (const room of ROOMS) expect(await app.getRoomSize(room)).toBe(0);
  });

  it('lets a closed connection leave (no-op) and still broadcast to the room, like the spec chat', async () => {
    const [leaver, stayer, other] = await server.openPairs(3);
    for (const { conn } of [leaver, stayer, other]) await conn.joinRoom('lobby');
    await disconnectAbruptly(leaver);
    await expect(leaver.conn.leaveRoom('lobby')).resolves.toBeUndefined();
    await expect(leaver.conn.getRooms()).resolves.toEqual([]);
    await expect(leaver.conn.getRoomSize('lobby')).resolves.toBe(2);
    await leaver.conn.broadcastJson('lobby', { type: 'system', message: 'leaver has left the room' });
    const left = text(JSON.stringify({ type: 'system', message: 'leaver has left the room' }));
    await expectDelivered([stayer, other], [stayer, other], left);
    await expect(leaver.conn.joinRoom('lobby')).rejects.toBeInstanceOf(WebSocketDisconnect);
    await expect(leaver.conn.sendText('x')).rejects.toBeInstanceOf(WebSocketDisconnect);
  });

  it('puts the same room name on different routes in one app-wide room', async () => {
    const onOtherRoute = deferred<WebSocketConnection>();
    await server.app.close();
    server = await startPairServer({}, (app) =>
      app.websocket('/other', async (ws) => {
        await ws.accept();
        await ws.joinRoom('shared');
        onOtherRoute.resolve(ws);
        await ws.waitForClose();
      }),
    );
    const pair = await server.openPair();
    await pair.conn.joinRoom('shared');
    const other = await server.client.connect('/other');
    const otherConn = await withTimeout(onOtherRoute.promise, 5000, 'the /other connection');
    expect(await server.app.getRoomSize('shared')).toBe(2);
    await otherConn.broadcast('shared', 'across routes');
    expect(await pair.client.receive()).toEqual(text('across routes'));
    await other.close();
  });
});

describe('rooms: bad input', () => {
  let server: PairServer;
  let log: CapturedLogger;
  beforeAll(async () => {
    log = captureLogger();
    server = await startPairServer({ maxPayloadLength: 1024, maxRoomNameBytes: 16, logger: log }, (app) =>
      app.websocket('/join/:room', async (ws) => {
        await ws.accept();
        await ws.joinRoom(ws.params.room);
        await ws.sendText('joined');
        await ws.waitForClose();
      }),
    );
  });
  afterAll(() => server.app.close());

  it('refuses bad room names with InvalidRoomNameError and the connection keeps working', async () => {
    const [pair, peer] = await server.openPairs(2);
    await peer.conn.joinRoom('ok');
    const { conn } = pair;
    const bad = ['', 'x'.repeat(17), 'tab\there', 'nul\u0000', 'lone\ud800'];
    for (const room of bad) {
      await expect(conn.joinRoom(room)).rejects.toBeInstanceOf(InvalidRoomNameError);
      await expect(conn.leaveRoom(room)).rejects.toBeInstanceOf(InvalidRoomNameError);
      await expect(conn.getRoomSize(room)).rejects.toBeInstanceOf(InvalidRoomNameError);
      await expect(conn.broadcast(room, 'x')).rejects.toBeInstanceOf(InvalidRoomNameError);
      await expect(conn.broadcastJsonToAll(room, {})).rejects.toBeInstanceOf(InvalidRoomNameError);
      await expect(conn.broadcastBytes(room, new Uint8Array(1))).rejects.toBeInstanceOf(InvalidRoomNameError);
      expect(() => server.app.broadcast(room, 'x')).toThrow(InvalidRoomNameError);
      await expect(server.app.getRoomSize(room)).rejects.toThrow(InvalidRoomNameError);
    }
    await expect(conn.joinRoom(42 as unknown as string)).rejects.toThrow(/must be a string/);
    await expect(conn.joinRoom('x'.repeat(17))).rejects.toThrow(/maxRoomNameBytes/);
    expect(await conn.getRooms()).toEqual([]);
    expect(await server.app.getRooms()).toEqual(['ok']);
    await conn.broadcast('ok', 'still working');
    await expectDelivered([pair, peer], [peer], text('still working'));
  });

  it('closes with 1008 and a short reason when a bad room name from the client escapes the handler', async () => {
    const client = await server.client.connect('/join/bad%0Aname');
    expect(await client.expectClose()).toEqual({
      code: 1008,
      reason: 'invalid room name: control characters and unpaired surrogates are not allowed',
    });
    // The option to raise is for the operator: in the log line, not in the close frame.
    const tooLong = await server.client.connect(`/join/${'x'.repeat(17)}`);
    expect(await tooLong.expectClose()).toEqual({ code: 1008, reason: 'invalid room name: longer than 16 bytes of UTF-8' });
    const logged = await log.waitFor((entry) => /xxxxx/.test(String(entry.fields.reason)), 'the log line of the long name');
    expect(logged).toMatchObject({ level: 'warn', fields: { code: 1008, reason: expect.stringMatching(/raise the maxRoomNameBytes option/) } });
    const fine = await server.client.connect('/join/fine');
    expect(await fine.receiveText()).toBe('joined');
    await fine.close();
  });

  it('refuses broadcasts over maxPayloadLength with MessageTooLargeError and sends nothing', async () => {
    const [sender, receiver] = await server.openPairs(2);
    await receiver.conn.joinRoom('big');
    const { conn } = sender;
    await expect(conn.broadcast('big', 'x'.repeat(1025))).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(conn.broadcastToAll('big', 'é'.repeat(513))).rejects.toMatchObject({ byteLength: 1026, limit: 1024 });
    await expect(conn.broadcastBytesToAll('big', new Uint8Array(1025))).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(conn.broadcastJson('big', { s: 'x'.repeat(1020) })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(() => server.app.broadcastBytes('big', new ArrayBuffer(2000))).toThrow(MessageTooLargeError);
    expect(() => server.app.broadcastJson('big', 'x'.repeat(1023))).toThrow(/maxPayloadLength/);
    await expectDelivered([sender, receiver], [], text(''));
    await conn.broadcast('big', 'x'.repeat(1024));
    await expectDelivered([sender, receiver], [receiver], text('x'.repeat(1024)));
  });

  it('refuses values JSON cannot represent with a TypeError', async () => {
    const { conn } = await server.openPair();
    await expect(conn.broadcastJson('ok', undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(conn.broadcastJsonToAll('ok', { n: 1n })).rejects.toThrow(/BigInt/);
    expect(() => server.app.broadcastJson('ok', () => 1)).toThrow(TypeError);
  });

  it('refuses to join before accept(), but lets a connecting handler broadcast', async () => {
    const outcome = deferred<unknown>();
    const app = new ProAPI({ logger: silentLogger });
    app.websocket('/early', async (ws) => {
      await ws.broadcastToAll('watchers', 'someone is connecting');
      outcome.resolve(await ws.joinRoom('watchers').catch((error: unknown) => error));
      await ws.accept();
    });
    app.websocket('/watch', async (ws) => {
      await ws.accept();
      await ws.joinRoom('watchers');
      await ws.sendText('watching');
      await ws.waitForClose();
    });
    const client = await createTestClient(app);
    try {
      const watcher = await client.connect('/watch');
      expect(await watcher.receiveText()).toBe('watching');
      await client.connect('/early');
      expect(await watcher.receiveText()).toBe('someone is connecting');
      const error = await outcome.promise;
      expect(error).toBeInstanceOf(WebSocketStateError);
      expect((error as Error).message).toMatch(/Did you forget to call accept\(\)/);
    } finally {
      await client.close(); // and the app, which it started
    }
  });

  it('answers app room calls before listen(): nobody to reach, names still checked', async () => {
    const app = new ProAPI({ logger: silentLogger });
    expect(() => app.broadcast('lobby', 'nobody yet')).not.toThrow();
    expect(await app.getRoomSize('lobby')).toBe(0);
    expect(await app.getRooms()).toEqual([]);
    expect(() => app.broadcastJson('', {})).toThrow(InvalidRoomNameError);
  });
});
