import type WebSocket from 'ws';
import { TestClientError, TestTimeoutError, UpgradeRefusedError } from './testing.errors';

/**
 * Resolves once `socket` is open. Rejects with `UpgradeRefusedError` if the server answers with an
 * HTTP status, with `TestTimeoutError` after `timeout` ms, and with `TestClientError` if `signal`
 * aborts; in each of those cases the socket is destroyed.
 */
export function awaitUpgrade(socket: WebSocket, url: string, path: string, timeout: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      settle(new TestTimeoutError(`the WebSocket upgrade of ${path}`, timeout));
    }, timeout);
    const settle = (error: Error | null): void => {
      clearTimeout(timer);
      socket.off('open', onOpen);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onOpen = (): void => settle(null);
    const onError = (error: Error): void => settle(new Error(`could not open a WebSocket to ${url}: ${error.message}`, { cause: error }));
    const onAbort = (): void => {
      socket.terminate();
      settle(new TestClientError(`client.close() was called while connecting to ${path}, so the connection was abandoned`));
    };
    socket.once('open', onOpen);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        socket.off('error', onError);
        const body = Buffer.concat(chunks).toString('utf8');
        settle(new UpgradeRefusedError(path, response.statusCode ?? 0, body, response.headers));
        // Closes the HTTP socket too (destroying the finished request would leave it open).
        socket.terminate();
      });
    });
  });
}
