import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { Message, OnMessage, silentLogger, WebSocket, WebSocketConnection } from '../index';
import { resolveOptions } from '../lib/options';
import { scanGateway } from '../lib/routing/gateway-scanner';

class EchoDto {
  @IsInt() seq!: number;
  @IsString() text!: string;
}
@WebSocket('/dto') class DtoGateway { @OnMessage('echo', EchoDto) echo(@Message() m: EchoDto) { return m; } }
@WebSocket('/raw') class RawGateway { @OnMessage('echo', null) echo(@Message() m: unknown) { return m; } }

const options = resolveOptions({ logger: silentLogger });
let sent = 0;
let onSend: (() => void) | null = null;
const transport = {
  options, serverHost: '', serverPort: 0,
  upgrade(conn: any) { conn.onTransportOpen({}); },
  deny() {}, bufferedAmount() { return 0; }, end() {},
  send() { sent++; if (onSend) onSend(); return 1; },
};
const request = { path: '/x', rawQuery: '', headerPairs: [], params: {}, clientHost: '' };
const msg = JSON.stringify({ type: 'echo', id: 1, seq: 1, text: 'x'.repeat(64) });
const N = 200_000;

async function gateway(G: new () => object): Promise<number> {
  const route = scanGateway(new G());
  const conn = new WebSocketConnection(transport as any, request as any);
  void route.handle(conn);
  await new Promise((r) => setImmediate(r));
  sent = 0;
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) conn.onTransportMessage(msg);
  const ns = Number(process.hrtime.bigint() - t) / N;
  if (sent !== N) throw new Error(`sent ${sent}`);
  return ns;
}

async function loop(validated: boolean): Promise<number> {
  const conn = new WebSocketConnection(transport as any, request as any);
  void (async () => {
    await conn.accept();
    for (;;) {
      if (validated) { const o = await conn.receiveJson(EchoDto, { validation: { forbidNonWhitelisted: false } }); await conn.sendJson({ type: 'echo', id: 1, data: o }); }
      else { const o = await conn.receiveJson<any>(); await conn.sendJson({ type: o.type, id: o.id, data: { seq: o.seq, text: o.text } }); }
    }
  })();
  await new Promise((r) => setImmediate(r));
  sent = 0;
  let resolve!: () => void;
  onSend = () => resolve();
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const p = new Promise<void>((r) => (resolve = r));
    conn.onTransportMessage(msg);
    await p;
  }
  const ns = Number(process.hrtime.bigint() - t) / N;
  onSend = null;
  return ns;
}

function raw(): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) { const o = JSON.parse(msg); transport.send(); void JSON.stringify({ type: o.type, id: o.id, data: { seq: o.seq, text: o.text } }); }
  return Number(process.hrtime.bigint() - t) / N;
}

(async () => {
  for (let round = 0; round < 3; round++) {
    const r = {
      raw: raw(),
      loopJson: await loop(false),
      onMessageNull: await gateway(RawGateway),
      loopDto: await loop(true),
      onMessageDto: await gateway(DtoGateway),
    };
    console.log(Object.entries(r).map(([k, v]) => `${k}=${v.toFixed(0)}ns`).join('  '));
  }
})();
