/**
 * Defect 11: what comes back for large request ids. Sends `{"type":"ping","id":<id>}`
 * with each id below, as raw text, and prints the raw reply's id (or the error), so rounding shows.
 *
 *   npx ts-node --transpile-only bench/hardening/11-request-ids.ts
 */
import WebSocket from 'ws';
import { OnMessage, ProAPI, silentLogger, WebSocket as Gateway } from '../../index';

@Gateway('/ids')
class IdGateway {
  @OnMessage('ping', null)
  ping(): string {
    return 'pong';
  }
}

const IDS = ['9007199254740991', '9007199254740993', '12345678901234567890', '-9007199254740993', '"9007199254740993"'];

async function main(): Promise<void> {
  const app = new ProAPI({ logger: silentLogger, gateways: [IdGateway] });
  const port = await app.listen(0, '127.0.0.1');
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ids`);
  await new Promise((resolve) => socket.once('open', resolve));
  for (const id of IDS) {
    const reply = new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
    socket.send(`{"type":"ping","id":${id}}`);
    const text = await reply;
    const echoed = /"id":(-?\d+|"[^"]*")/.exec(text)?.[1];
    const error = /"error":"(\w+)"/.exec(text)?.[1];
    console.log(JSON.stringify({ sent: id, echoed: echoed ?? null, exact: echoed === id, error: error ?? null }));
  }
  socket.close();
  await app.close();
}

void main();
