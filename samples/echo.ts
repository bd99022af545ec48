import { ProAPI, WebSocketDisconnect, type ProAPIOptions, type WebSocketRouteOptions } from '../index';

/**
 * The basic echo, with its error handling: an error is logged, and whatever ends the loop,
 * `finally` leaves the connection closed.
 * `addEcho(app, '/limited', { middlewares: [...] })` serves the same echo elsewhere.
 */
export function addEcho(app: ProAPI, path = '/ws', options: WebSocketRouteOptions = {}): ProAPI {
  return app.websocket(
    path,
    async function echo(ws) {
      await ws.accept();
      try {
        // Ends when the client closes the connection.
        for await (const message of ws) {
          await ws.sendText(`Echo: ${message.toString()}`);
        }
      } catch (error) {
        // A close by the server (e.g. by a middleware) ends the loop with WebSocketDisconnect: no error.
        if (!(error instanceof WebSocketDisconnect)) app.logger.error({ err: error, path: ws.path }, 'WebSocket error');
      } finally {
        // Ensure the connection is closed
        if (!ws.closed) await ws.close();
      }
    },
    options,
  );
}

/** `npm run sample -- echo`: only the echo, at `/ws`. */
export function createApp(options: ProAPIOptions = {}): ProAPI {
  return addEcho(new ProAPI(options));
}
