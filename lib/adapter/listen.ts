import { connect, createServer } from 'node:net';
import uWS from 'uWebSockets.js';
import type { Logger } from '../logger';
import { connectionsForFileLimit, openFileLimit } from '../runtime/file-descriptors';

/** Binds `app` to `host:port` (0: any free port); resolves with the listen socket and the bound port. */
export async function listenOn(
  app: uWS.TemplatedApp,
  host: string,
  port: number,
  checkPortFree = true,
): Promise<{ socket: uWS.us_listen_socket; port: number }> {
  // Builds of uWS that bind with SO_REUSEPORT let a second process on a taken port silently get
  // half the connections (the registry build of 20.30 refuses it, as does uWS's exclusive mode),
  // so ask Node first: its bind fails while anyone listens on the port.
  if (port !== 0 && checkPortFree) await assertPortFree(port, host);
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

/** Rejects while any process (this one included) listens on the port. */
export function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(new Error(`could not listen on ${host}:${port}: ${error.message}`));
      void someoneListens(port, host).then((listens) =>
        reject(new Error(`could not listen on ${host}:${port}: ${listens ? 'the port is in use' : HELD_BY_TIME_WAIT}`)),
      );
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

// uWS 20.30 listens without SO_REUSEADDR: on some kernels the server's side of each cleanly
// closed connection keeps the port for up to a minute (TIME_WAIT), and nothing can listen on it.
const HELD_BY_TIME_WAIT =
  'no one listens, but connections closed in the last minute still hold the port (TIME_WAIT), ' +
  'and uWebSockets.js 20.30 cannot listen over them; wait up to 60 s or use another port';

function someoneListens(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: host === '0.0.0.0' || host === '::' ? 'localhost' : host, timeout: 1000 });
    const done = (listens: boolean): void => {
      socket.destroy();
      resolve(listens);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code !== 'ECONNREFUSED'));
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
