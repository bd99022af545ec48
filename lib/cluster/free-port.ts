import { createServer, type AddressInfo } from 'node:net';

/**
 * A port nobody listens on right now, as the kernel hands out for port 0. uWS sets SO_REUSEPORT
 * only on a given port (a socket it binds to port 0 cannot be shared), so fast mode picks the
 * port first and every worker binds that one.
 */
export function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
