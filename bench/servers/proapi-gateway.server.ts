/** ProAPI, class gateways with an @OnConnect receive loop. Same routes and semantics as every bench server. */
import { OnConnect, Param, ProAPI, WebSocket, type WebSocketConnection } from '../../index';

@WebSocket('/echo')
class EchoGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection): Promise<void> {
    await ws.accept();
    for await (const message of ws) {
      if (typeof message === 'string') await ws.sendText(message);
      else await ws.sendBytes(message);
    }
  }
}

@WebSocket('/json')
class JsonGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection): Promise<void> {
    await ws.accept();
    for (;;) await ws.sendJson(await ws.receiveJson());
  }
}

@WebSocket('/room/:name')
class RoomGateway {
  @OnConnect()
  async connect(ws: WebSocketConnection, @Param('name') name: string): Promise<void> {
    await ws.accept();
    await ws.joinRoom(name);
    try {
      for await (const message of ws) {
        if (typeof message === 'string') await ws.broadcastToAll(name, message);
        else await ws.broadcastBytesToAll(name, message);
      }
    } finally {
      await ws.leaveRoom(name);
    }
  }
}

new ProAPI({ gateways: [EchoGateway, JsonGateway, RoomGateway] })
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
