import { ProAPI, type ProAPIOptions } from '../index';

/**
 * The app the benchmark suite measures (bench/), runnable on its own so outside tools can load it too:
 *   /echo        echoes each message with its frame kind (text or binary)
 *   /json        parses each text message as JSON and sends it back re-serialised
 *   /room/:name  joins room `name`, and sends each message to everyone in it (sender included)
 *   GET /stats   `app.stats()` as JSON; in fast mode summed over the workers, with a `workers` list
 */
export function createApp(options: ProAPIOptions = {}): ProAPI {
  const app = new ProAPI(options);
  app.websocket('/echo', async function echo(ws) {
    await ws.accept();
    for await (const message of ws) {
      if (typeof message === 'string') await ws.sendText(message);
      else await ws.sendBytes(message);
    }
  });
  app.websocket('/json', async function jsonEcho(ws) {
    await ws.accept();
    // Ends with WebSocketDisconnect when the client leaves; the runner treats a normal close as done.
    for (;;) await ws.sendJson(await ws.receiveJson());
  });
  app.websocket('/room/:name', async function room(ws) {
    const { name } = ws.params;
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
  });
  app.get('/stats', async () => ({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(await app.stats()) }));
  return app;
}
