import { threadId } from 'node:worker_threads';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { Conn, Message, OnMessage, ProAPI, WebSocket, silentLogger, type ProAPIOptions, type WebSocketConnection } from '../../index';

/*
 * The app every broker conformance case talks to, on every node of a cluster. A node is a process,
 * a worker thread or an app in the spec's own process: it loads this module and calls createApp()
 * with its broker, so this file declares everything at module level (nothing a thread could not load).
 */

class RoomCommand {
  @IsString() room!: string;
}

const VARIANTS = ['broadcast', 'broadcastToAll', 'broadcastJson', 'broadcastJsonToAll', 'broadcastBytes', 'broadcastBytesToAll'] as const;
export type Variant = (typeof VARIANTS)[number];

class PublishCommand extends RoomCommand {
  @IsIn(VARIANTS) variant!: Variant;
  @IsString() text!: string;
  @IsOptional() @IsString() tag?: string;
}

/**
 * `/member`: each command is answered once it is done, so a client's next step starts after it.
 * - `join {room}` resolves when `ws.joinRoom()` has: from then on, broadcasts from any node reach it.
 * - `publish {room, variant, text}` sends with the connection's broadcast method `variant`
 *   (text as is, JSON as `{ text }`, bytes as the UTF-8 of text).
 * - `size {room}`, `rooms`, `myRooms` answer the room queries.
 * - `place` answers where the connection is served: process and worker thread.
 */
@WebSocket('/member')
export class MemberGateway {
  @OnMessage('join', RoomCommand)
  async join(@Message() msg: RoomCommand, @Conn() ws: WebSocketConnection): Promise<boolean> {
    await ws.joinRoom(msg.room);
    return true;
  }

  @OnMessage('leave', RoomCommand)
  async leave(@Message() msg: RoomCommand, @Conn() ws: WebSocketConnection): Promise<boolean> {
    await ws.leaveRoom(msg.room);
    return true;
  }

  @OnMessage('publish', PublishCommand)
  async publish(@Message() msg: PublishCommand, @Conn() ws: WebSocketConnection): Promise<boolean> {
    await publishWith(ws, msg);
    return true;
  }

  @OnMessage('size', RoomCommand)
  size(@Message() msg: RoomCommand, @Conn() ws: WebSocketConnection): Promise<number> {
    return ws.getRoomSize(msg.room);
  }

  @OnMessage('myRooms', null)
  async myRooms(@Conn() ws: WebSocketConnection): Promise<string[]> {
    return (await ws.getRooms()).sort();
  }

  @OnMessage('place', null)
  place(): string {
    return `${process.pid}/${threadId}`;
  }
}

function publishWith(ws: WebSocketConnection, { room, variant, text }: PublishCommand): Promise<void> {
  switch (variant) {
    case 'broadcast':
    case 'broadcastToAll':
      return ws[variant](room, text);
    case 'broadcastJson':
    case 'broadcastJsonToAll':
      return ws[variant](room, { text });
    case 'broadcastBytes':
    case 'broadcastBytesToAll':
      return ws[variant](room, Buffer.from(text));
  }
}

/**
 * The app of one node; `/app/broadcast?room=&text=&kind=text|json|bytes` and `/app/rooms?room=` reach
 * the app.* methods. `kind` may repeat: one request publishes once per kind, in that order, from one
 * publisher (in fast mode the worker that serves the request, whichever it is).
 */
export function createApp(options: ProAPIOptions = {}): ProAPI {
  const app = new ProAPI({ logger: silentLogger, ...options, gateways: [MemberGateway] });
  app.get('/app/broadcast', (req) => {
    const room = req.query.get('room') ?? '';
    const text = req.query.get('text') ?? '';
    const kinds = req.query.getAll('kind');
    for (const kind of kinds.length > 0 ? kinds : ['text']) {
      if (kind === 'json') app.broadcastJson(room, { text });
      else if (kind === 'bytes') app.broadcastBytes(room, Buffer.from(text));
      else app.broadcast(room, text);
    }
    return 'sent';
  });
  app.get('/app/rooms', async (req) => {
    const room = req.query.get('room') ?? '';
    const body = JSON.stringify({ size: await app.getRoomSize(room), rooms: (await app.getRooms()).sort() });
    return { headers: { 'Content-Type': 'application/json' }, body };
  });
  return app;
}
