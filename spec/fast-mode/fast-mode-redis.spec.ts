import { createClient } from 'redis';
import { fastModeWithBroker } from './fast-mode-broker';

const url = process.env.PROAPI_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `spec-fast-${process.pid}-${Date.now()}`;

fastModeWithBroker('RedisBroker', 'redis', url, prefix, async () => {
  // The nodes left the cluster on SIGTERM; whatever this spec's prefix still holds goes too.
  const redis = createClient({ url });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) if (keys.length > 0) await redis.del(keys);
  await redis.quit();
});
