import { IsString } from 'class-validator';
import { Conn, Message, OnConnect, OnMessage, Query, WebSocket, type WebSocketConnection } from '../../index';
import { startApp, type StartedApp } from '../helpers/app';

class JoinMessage {
  @IsString() room!: string;
}

/** The same joinRoom() call, meeting each of its errors: one model answers them alike. */
@WebSocket('/rooms')
class RoomsGateway {
  @OnMessage('join', JoinMessage)
  async join(@Message() msg: JoinMessage, @Conn() ws: WebSocketConnection): Promise<string[]> {
    await ws.joinRoom(msg.room);
    return ws.getRooms();
  }
}

@WebSocket('/typed')
class TypedGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection, @Query('limit') limit: number): Promise<void> {
    ws.userData.limit = limit;
    await ws.accept();
  }

  @OnMessage('limit', null)
  limit(@Conn() ws: WebSocketConnection): unknown {
    return ws.userData.limit;
  }
}

describe('one error model', () => {
  let server: StartedApp;
  beforeAll(async () => {
    server = await startApp({ gateways: [RoomsGateway, TypedGateway], maxRoomsPerConnection: 1 });
  });
  afterAll(() => server.app.close());

  it('answers InvalidRoomNameError and RoomLimitError from the same joinRoom() alike: an error frame, the connection stays', async () => {
    const conn = await server.client.connect('/rooms');
    conn.sendJson({ type: 'join', id: 1, room: '' });
    expect(await conn.receiveJson()).toEqual({ type: 'error', error: 'invalid_room', id: 1, message: 'invalid room name: must not be empty' });
    conn.sendJson({ type: 'join', id: 2, room: 'a' });
    expect(await conn.receiveJson()).toEqual({ type: 'join', id: 2, data: ['a'] });
    conn.sendJson({ type: 'join', id: 3, room: 'b' });
    expect(await conn.receiveJson()).toEqual({ type: 'error', error: 'room_limit', id: 3, message: 'too many rooms: at most 1 per connection' });
    conn.sendJson({ type: 'join', id: 4, room: 'a' }); // still open, still in "a"
    expect(await conn.receiveJson()).toEqual({ type: 'join', id: 4, data: ['a'] });
  });

  it('answers a @Query value that does not convert with HTTP 400 before the upgrade', async () => {
    await expect(server.client.connect('/typed?limit=many')).rejects.toMatchObject({ status: 400 });
    const conn = await server.client.connect('/typed?limit=5');
    conn.sendJson({ type: 'limit', id: 1 });
    expect(await conn.receiveJson()).toEqual({ type: 'limit', id: 1, data: 5 });
  });
});
