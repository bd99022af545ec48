import { Agent, get } from 'node:http';
import { ProAPI, silentLogger } from '../../index';
import { createTestClient } from '../../testing';
import { deferred } from '../helpers/async';
import { httpGet, type HttpResult } from '../helpers/http';

/** A GET through `agent`, saying whether it went over a kept-alive socket. */
function getVia(agent: Agent, url: string): Promise<HttpResult & { reusedSocket: boolean; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body,
          reusedSocket: request.reusedSocket,
          retryAfter: res.headers['retry-after'],
        }),
      );
    });
    request.on('error', reject);
  });
}

describe('GET /healthz', () => {
  it('answers 200 while serving and 503 once shutdown has begun, while connections are still closing', async () => {
    const handlerStarted = deferred();
    const release = deferred();
    const app = new ProAPI({ logger: silentLogger });
    app.websocket('/hold', async (ws) => {
      await ws.accept();
      handlerStarted.resolve();
      try {
        for await (const message of ws) void message;
      } finally {
        await release.promise; // shutdown waits for this handler: the window a load balancer must see 503 in
      }
    });
    const port = await app.listen(0, '127.0.0.1');
    const client = await createTestClient(`ws://127.0.0.1:${port}`);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = `http://127.0.0.1:${port}/healthz`;
    try {
      expect(await getVia(agent, url)).toMatchObject({ status: 200, body: 'ok', reusedSocket: false });
      const conn = await client.connect('/hold');
      await handlerStarted.promise;

      const closing = app.close();
      await conn.expectClose(1001);
      // The listening socket is closed now; a load balancer's kept-alive connection still asks.
      expect(await getVia(agent, url)).toMatchObject({ status: 503, body: 'shutting down', reusedSocket: true, retryAfter: '1' });
      release.resolve();
      await closing;
    } finally {
      release.resolve();
      agent.destroy();
      await client.close();
    }
  });

  it('can move (health: { path }) or be turned off (health: false); a route of your own takes its place', async () => {
    const moved = new ProAPI({ logger: silentLogger, health: { path: '/livez' } });
    const off = new ProAPI({ logger: silentLogger, health: false });
    const own = new ProAPI({ logger: silentLogger }).get('/healthz', () => ({ status: 200, body: 'mine' }));
    const base = async (app: ProAPI): Promise<string> => `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    try {
      const [movedUrl, offUrl, ownUrl] = await Promise.all([base(moved), base(off), base(own)]);
      expect((await httpGet(`${movedUrl}/livez`)).status).toBe(200);
      expect((await httpGet(`${movedUrl}/healthz`)).status).toBe(404);
      expect((await httpGet(`${offUrl}/healthz`)).status).toBe(404);
      expect((await httpGet(`${ownUrl}/healthz`)).body).toBe('mine');
    } finally {
      await Promise.all([moved.close(), off.close(), own.close()]);
    }
  });
});
