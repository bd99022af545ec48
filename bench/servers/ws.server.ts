/**
 * Reference server: the `ws` library, written the way its README does it (rooms as a Map of Sets,
 * a send per member). Same routes and semantics as every other bench server (see uws.server.ts).
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 0);
const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1024 * 1024 });

wss.on('connection', (ws, req) => {
  const url = req.url ?? '';
  if (url === '/echo') {
    ws.on('message', (data: RawData, isBinary: boolean) => ws.send(data, { binary: isBinary }));
  } else if (url === '/json') {
    ws.on('message', (data: RawData) => ws.send(JSON.stringify(JSON.parse(data.toString()))));
  } else if (url.startsWith('/room/')) {
    const name = decodeURIComponent(url.slice('/room/'.length));
    let members = rooms.get(name);
    if (!members) rooms.set(name, (members = new Set()));
    members.add(ws);
    const room = members;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      for (const member of room) member.send(data, { binary: isBinary });
    });
    ws.on('close', () => {
      room.delete(ws);
      if (room.size === 0) rooms.delete(name);
    });
  } else {
    ws.close(1008, 'no such route');
  }
});

wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${(wss.address() as AddressInfo).port}`));
