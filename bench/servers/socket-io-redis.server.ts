/**
 * Socket.IO (as socket-io.server.ts) as one node of a cluster, with the official
 * `@socket.io/redis-adapter` on the `redis` client: BROKER_URL, BROKER_PREFIX.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

async function main(): Promise<void> {
  const pub = createClient({ url: process.env.BROKER_URL });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 1024 * 1024 });
  io.adapter(createAdapter(pub, sub, { key: process.env.BROKER_PREFIX ?? 'bench' }));
  io.on('connection', (socket) => {
    const { route, room } = socket.handshake.query;
    if (route === 'echo') {
      socket.on('m', (message: unknown) => socket.emit('m', message));
    } else if (route === 'room' && typeof room === 'string') {
      void socket.join(room);
      socket.on('m', (message: unknown) => io.to(room).emit('m', message));
    } else {
      socket.disconnect(true);
    }
  });
  http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    console.log(`listening on ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
