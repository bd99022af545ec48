import { ProAPI } from '../index';

/** The spec's "Basic Usage": echo every text message back with a prefix. */
export function createApp(): ProAPI {
  const app = new ProAPI();
  app.websocket('/ws', async function echo(ws) {
    await ws.accept();
    for await (const message of ws) {
      await ws.sendText(`Echo: ${message.toString()}`);
    }
  });
  return app;
}
