import { createServer } from 'node:net';
import uWS from 'uWebSockets.js';
import type { Logger } from '../logger';
import { connectionsForFileLimit, openFileLimit } from '../runtime/file-descriptors';

/** Binds `app` to `host:port` (0: any free port); resolves with the listen socket and the bound port. */
export async function listenOn(app: uWS.TemplatedApp, host: string, port: number): Promise<{ socket: uWS.us_listen_socket; port: number }> {
  // uWS binds with SO_REUSEPORT, so a second process on a taken port would silently get half the
  // connections. Its exclusive mode would also drop SO_REUSEADDR (a restart then fails for a
  // minute in TIME_WAIT), so ask Node first: its bind fails while anyone listens on the port.
  if (port !== 0) await assertPortFree(port, host);
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket) => {
      if (!socket) {
        (app as unknown as { close(): void }).close();
        reject(new Error(`could not listen on ${host}:${port}: is the port in use or the address not local?`));
        return;
      }
      resolve({ socket, port: uWS.us_socket_local_port(socket as unknown as uWS.us_socket) });
    });
  });
}

function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`could not listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`)),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** At the open-file limit uWS 20.30 retries accept() in a busy loop instead of answering: say so at boot. */
export function warnIfOverFileLimit(maxConnections: number, logger: Logger): void {
  const limit = openFileLimit();
  if (limit === null || maxConnections <= connectionsForFileLimit(limit)) return;
  logger.warn(
    { maxConnections, openFileLimit: limit, fitting: connectionsForFileLimit(limit) },
    'maxConnections is above what the open-file limit leaves for connections: at the limit uWS spins and new clients hang; ' +
      'raise the limit (ulimit -n) or lower maxConnections',
  );
}
