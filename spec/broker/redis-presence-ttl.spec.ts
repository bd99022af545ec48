import { execFileSync } from 'node:child_process';
import { ProAPI, silentLogger } from '../../index';
import { RedisBroker } from '../../redis';
import { createTestClient } from '../../testing';
import { BrokerServer } from './broker-server';

/** A key's time to live in ms on the spec's own Redis (-1: none, -2: no such key). */
function pttl(server: BrokerServer, key: string): number {
  return Number(execFileSync('redis-cli', ['-p', String(server.port), 'PTTL', key], { encoding: 'utf8' }).trim());
}

describe('RedisBroker presence keys expire', () => {
  let server: BrokerServer;
  beforeAll(async () => {
    server = await BrokerServer.start('redis');
  }, 60_000);
  afterAll(() => server.kill());

  it('gives every key it writes a time to live, so a cluster that died entirely leaves nothing behind', async () => {
    const prefix = `ttl-${process.pid}`;
    const app = new ProAPI({ logger: silentLogger, broker: new RedisBroker({ url: server.url, prefix }) });
    app.websocket('/r', async (ws) => {
      await ws.accept();
      await ws.joinRoom('quiet');
      await ws.sendText('joined');
      await ws.waitForClose();
    });
    const client = await createTestClient(app, { timeout: 10_000 });
    try {
      const conn = await client.connect('/r');
      expect(await conn.receiveText()).toBe('joined');
      expect(await app.getRoomSize('quiet')).toBe(1);
      const keys = execFileSync('redis-cli', ['-p', String(server.port), '--scan', '--pattern', `${prefix}:*`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
      expect(keys).toEqual(expect.arrayContaining([`${prefix}:room:quiet`, `${prefix}:nodes`]));
      for (const key of keys) expect([key, pttl(server, key) > 0]).toEqual([key, true]);
    } finally {
      await client.close();
    }
  }, 60_000);
});
