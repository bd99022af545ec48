import {
  DEFAULT_LIMITS,
  InvalidRoomNameError,
  OnMessage,
  RoomLimitError,
  WebSocket,
  type ProAPI,
  type WebSocketConnection,
} from '../../index';
import { captureLogger, type CapturedLogger } from '../helpers/capture-logger';
import { disconnectAbruptly, receivedSinceLastFence, startPairServer, type PairServer } from '../helpers/pairs';

describe('rooms: maxRoomsPerConnection', () => {
  let server: PairServer;
  let log: CapturedLogger;
  beforeAll(async () => {
    log = captureLogger();
    server = await startPairServer({ maxRoomsPerConnection: 2, logger: log }, (app) =>
      app.websocket('/hoard', async (ws) => {
        await ws.accept();
        for await (const room of ws) await ws.joinRoom(String(room));
      }),
    );
  });
  afterAll(() => server.app.close());

  it('defaults to 1024 rooms per connection', async () => {
    expect(DEFAULT_LIMITS.maxRoomsPerConnection).toBe(1024);
    const defaults = await startPairServer();
    try {
      const { conn } = await defaults.openPair();
      for (let i = 0; i < 1024; i++) await conn.joinRoom(`room ${i}`);
      await expect(conn.joinRoom('one more')).rejects.toMatchObject({ name: 'RoomLimitError', limit: 1024, room: 'one more' });
      expect(await conn.getRooms()).toHaveLength(1024);
    } finally {
      await defaults.app.close();
    }
  });

  it('refuses one room too many with RoomLimitError; joining twice and leaving strangers keep the count exact', async () => {
    const { conn } = await server.openPair();
    await conn.joinRoom('a');
    await conn.joinRoom('a'); // already in: no second slot taken
    await conn.joinRoom('b');
    const error = await conn.joinRoom('c').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomLimitError);
    expect(error).toMatchObject({ closeCode: 1008, limit: 2, room: 'c', reason: 'too many rooms: at most 2 per connection' });
    expect((error as Error).message).toMatch(/raise the maxRoomsPerConnection option/);

    await expect(conn.joinRoom('a')).resolves.toBeUndefined(); // at the limit, a room it is in is still a no-op
    await conn.leaveRoom('never-joined'); // frees nothing
    await expect(conn.joinRoom('c')).rejects.toBeInstanceOf(RoomLimitError);
    await conn.leaveRoom('a');
    await conn.leaveRoom('a');
    await conn.joinRoom('c');
    expect((await conn.getRooms()).sort()).toEqual(['b', 'c']);
    expect(await server.app.getRoomSize('a')).toBe(0);
    await expect(conn.joinRoom('d')).rejects.toBeInstanceOf(RoomLimitError);
  });

  it('starts a new connection at zero and forgets the count when the socket closes', async () => {
    const [first, second] = await server.openPairs(2);
    await first.conn.joinRoom('a');
    await first.conn.joinRoom('b');
    await second.conn.joinRoom('a');
    await second.conn.joinRoom('b');
    await disconnectAbruptly(first);
    expect(await server.app.getRoomSize('a')).toBe(1);
  });

  it('closes with 1008 and a short reason when the limit escapes a handler; the log names the option', async () => {
    const client = await server.client.connect('/hoard');
    for (const room of ['x', 'y', 'z']) client.sendText(room);
    expect(await client.expectClose()).toEqual({ code: 1008, reason: 'too many rooms: at most 2 per connection' });
    const logged = await log.waitFor((entry) => /cannot join room "z"/.test(String(entry.fields.reason)), 'the log line');
    expect(logged.fields.reason).toMatch(/maxRoomsPerConnection/);
    expect(await server.app.getRoomSize('x')).toBe(0);
  });

  // The count also decides how a broadcast leaves out its sender: uWS's own ws.publish sends
  // nothing from a socket in no room, so a count that is off by one loses the message.
  it('delivers broadcasts from a connection that joined twice, left, and is in no room again', async () => {
    const [sender, ...receivers] = await server.openPairs(4);
    for (const { conn } of receivers) await conn.joinRoom('lobby');
    const everyone = [sender, ...receivers];
    const expectLobbyGot = async (text: string): Promise<void> => {
      const received = await receivedSinceLastFence(everyone);
      expect(received).toEqual([[], ...receivers.map(() => [text])]);
    };

    await sender.conn.joinRoom('elsewhere');
    await sender.conn.joinRoom('elsewhere');
    await sender.conn.broadcast('lobby', 'from elsewhere');
    await expectLobbyGot('from elsewhere');

    await sender.conn.leaveRoom('elsewhere');
    await sender.conn.leaveRoom('elsewhere');
    expect(await sender.conn.getRooms()).toEqual([]);
    await sender.conn.broadcast('lobby', 'from no room');
    await expectLobbyGot('from no room');

    await sender.conn.joinRoom('lobby');
    await sender.conn.broadcast('lobby', 'from inside');
    await expectLobbyGot('from inside');
  });
});

describe("rooms: a bad name in the server's own app.* calls is a server bug", () => {
  let server: PairServer;
  let log: CapturedLogger;
  beforeAll(async () => {
    log = captureLogger();
    server = await startPairServer({ logger: log }, (app) => {
      app.websocket('/announce', async (ws) => {
        await ws.accept();
        app.broadcast('news\n', 'a typo in a constant');
      });
      app.register(new AnnounceGateway(app));
    });
  });
  afterAll(() => server.app.close());

  @WebSocket('/gateway')
  class AnnounceGateway {
    constructor(private readonly app: ProAPI) {}

    @OnMessage('announce', null)
    announce() {
      this.app.broadcastJson('', { news: 'a typo in a constant' });
    }

    @OnMessage('join', null)
    join(ws: WebSocketConnection, room: { name: string }) {
      return ws.joinRoom(room.name);
    }
  }

  it('throws InvalidRoomNameError with closeCode 1011 from app.*, and 1008 from a connection', async () => {
    const call = (): void => server.app.broadcast('', 'x');
    expect(call).toThrow(InvalidRoomNameError);
    expect(call).toThrow(expect.objectContaining({ closeCode: 1011 }));
    await expect(server.app.getRoomSize('\u0000')).rejects.toMatchObject({ name: 'InvalidRoomNameError', closeCode: 1011 });
    const { conn } = await server.openPair();
    await expect(conn.broadcast('', 'x')).rejects.toMatchObject({ name: 'InvalidRoomNameError', closeCode: 1008 });
  });

  it('closes with 1011 when one escapes a handler, and logs it as an error', async () => {
    const client = await server.client.connect('/announce');
    expect(await client.expectClose()).toEqual({ code: 1011, reason: 'internal error' });
    const logged = await log.waitFor((entry) => entry.message === 'handler threw; closing with 1011', 'the error log');
    expect(logged.level).toBe('error');
    expect(logged.fields.err).toMatchObject({ name: 'InvalidRoomNameError', closeCode: 1011 });
  });

  it("answers internal in a message gateway, where a client's bad name is invalid_room", async () => {
    const client = await server.client.connect('/gateway');
    client.sendJson({ type: 'announce', id: 1 });
    expect(await client.receiveJson()).toEqual({ type: 'error', error: 'internal', id: 1, message: 'internal error' });
    client.sendJson({ type: 'join', id: 2, name: '' });
    expect(await client.receiveJson()).toEqual({ type: 'error', error: 'invalid_room', id: 2, message: 'invalid room name: must not be empty' });
    await client.close();
  });
});
