/**
 * Reference server: raw uWebSockets.js, written the way its own examples are. Same routes and
 * semantics as every other bench server:
 *   /echo        echo each message, same kind
 *   /json        JSON.parse + JSON.stringify each text message back
 *   /room/:name  join room `name` on open, publish each message to everyone in it (sender included)
 * Transport settings match ProAPI's DEFAULT_LIMITS so both do the same work per socket.
 */
import uWS from 'uWebSockets.js';

interface RoomData {
  room: string;
}

const port = Number(process.env.PORT ?? 0);
const app = uWS.App();
const settings = {
  maxPayloadLength: 1024 * 1024,
  maxBackpressure: 4 * 1024 * 1024,
  idleTimeout: 120,
  sendPingsAutomatically: true,
};

app.ws('/echo', {
  ...settings,
  message: (ws, message, isBinary) => {
    ws.send(message, isBinary);
  },
});

app.ws('/json', {
  ...settings,
  message: (ws, message) => {
    ws.send(JSON.stringify(JSON.parse(Buffer.from(message).toString('utf8'))), false);
  },
});

app.ws<RoomData>('/room/:name', {
  ...settings,
  upgrade: (res, req, context) => {
    res.upgrade<RoomData>(
      { room: req.getParameter(0) },
      req.getHeader('sec-websocket-key'),
      req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  },
  open: (ws) => {
    ws.subscribe(ws.getUserData().room);
  },
  message: (ws, message, isBinary) => {
    app.publish(ws.getUserData().room, message, isBinary);
  },
});

app.listen('127.0.0.1', port, (socket) => {
  if (!socket) throw new Error(`raw uWS bench server could not listen on 127.0.0.1:${port}`);
  console.log(`listening on ws://127.0.0.1:${uWS.us_socket_local_port(socket as unknown as uWS.us_socket)}`);
});
