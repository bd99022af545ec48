import { createTestClient } from '../../testing';
import { BrokerServer } from '../broker/broker-server';
import { httpGet } from '../helpers/http';
import { parseExposition } from '../metrics/prometheus-text';
import { membersOnEveryWorker } from './fast-member';
import { BOOT_TIMEOUT_MS, startFixture } from './fast-process';

jest.setTimeout(BOOT_TIMEOUT_MS);

/*
 * A scrape of one worker sums every worker's snapshot. Each snapshot must carry that worker's own
 * count of room messages the broker did not forward, not the app's (which is already a sum).
 */
describe('fast mode with a Redis broker: one scrape', () => {
  it('counts the messages not forwarded during an outage once, as app.stats() does', async () => {
    const redis = await BrokerServer.start('redis');
    const app = await startFixture({ WORKERS: '2', BROKER: 'redis', BROKER_URL: redis.url, BROKER_PREFIX: `metrics-nf-${process.pid}`, PROAPI_LOG_LEVEL: 'warn' });
    const client = await createTestClient(app.url, { timeout: 10_000 });
    try {
      const members = await membersOnEveryWorker(client, 2, 1);
      for (const m of members) await m.join('outage');
      await redis.kill();
      await app.waitFor(/redis broker unreachable[^\n]*\n[^]*redis broker unreachable/, 'both workers to notice the outage');
      for (let i = 0; i < 10; i++) await members[i % members.length].publish('outage', 'broadcast', `m${i}`);
      const stats = await app.stats();
      expect(stats.notForwarded).toBe(10);
      const metrics = parseExposition((await httpGet(`http://127.0.0.1:${app.port}/metrics`)).body);
      expect(metrics.value('proapi_broker_not_forwarded_total')).toBe(10);
      expect(metrics.value('proapi_rooms')).toBe(1);
    } finally {
      await client.close();
      await app.stop();
      await redis.kill();
    }
  });
});
