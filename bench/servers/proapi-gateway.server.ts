/** ProAPI, class gateways with an @OnConnect receive loop. Same routes and semantics as every bench server. */
import { OnConnect, ProAPI, WebSocket, type WebSocketConnection } from '../../index';

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

new ProAPI({ gateways: [EchoGateway, JsonGateway] })
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
