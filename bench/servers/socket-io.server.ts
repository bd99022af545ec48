/**
 * Reference server: Socket.IO over its WebSocket transport only. Socket.IO has one endpoint, so
 * the route comes from the handshake query (`route=echo|json|room`, `room=<name>`); events are
 * `m` (64-byte text) and `json`. Same semantics as every other bench server (see uws.server.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 1024 * 1024 });

io.on('connection', (socket) => {
  const { route, room } = socket.handshake.query;
  if (route === 'echo') {
    socket.on('m', (message: unknown) => socket.emit('m', message));
  } else if (route === 'json') {
    socket.on('json', (message: unknown) => socket.emit('json', message));
  } else if (route === 'room' && typeof room === 'string') {
    void socket.join(room);
    socket.on('m', (message: unknown) => io.to(room).emit('m', message));
  } else {
    socket.disconnect(true);
  }
});

http.listen(port, '127.0.0.1', () => {
  console.log(`listening on ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
