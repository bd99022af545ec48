import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import uWS from 'uWebSockets.js';
import { Message, OnMessage, ProAPI, silentLogger, WebSocket } from '../index';

class EchoDto {
  @IsInt() seq!: number;
  @IsString() text!: string;
}
@WebSocket('/dto')
class DtoGateway {
  @OnMessage('echo', EchoDto) echo(@Message() m: EchoDto) { return m; }
}
@WebSocket('/raw')
class RawGateway {
  @OnMessage('echo', null) echo(@Message() m: unknown) { return m; }
}
const kind = process.argv[2];
const port = Number(process.argv[3]);
if (kind === 'uws') {
  uWS.App().ws('/*', { message: (ws, m) => { const o = JSON.parse(Buffer.from(m).toString()); ws.send(JSON.stringify({ type: o.type, id: o.id, data: { seq: o.seq, text: o.text } })); } })
    .listen('127.0.0.1', port, () => console.log('ready'));
} else {
  const app = new ProAPI({ logger: silentLogger, gateways: [DtoGateway, RawGateway] });
  app.websocket('/loop', async (ws) => {
    await ws.accept();
    for (;;) {
      const o = await ws.receiveJson<{ type: string; id: number; seq: number; text: string }>();
      await ws.sendJson({ type: o.type, id: o.id, data: { seq: o.seq, text: o.text } });
    }
  });
  app.websocket('/loopdto', async (ws) => {
    await ws.accept();
    for (;;) {
      const o = await ws.receiveJson(EchoDto, { validation: { forbidNonWhitelisted: false } });
      await ws.sendJson({ type: 'echo', data: o });
    }
  });
  void app.listen(port, '127.0.0.1').then(() => console.log('ready'));
}
