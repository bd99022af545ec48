/**
 * `proapi/redis`: rooms across nodes through Redis. Loads the `redis` client (node-redis); an
 * app that does not import this entry point never does.
 * @example
 * import { RedisBroker } from 'proapi/redis';
 * new ProAPI({ gateways, broker: new RedisBroker({ url: process.env.PROAPI_REDIS_URL }) });
 */
export { RedisBroker, type RedisBrokerOptions } from './lib/broker/redis/redis.broker';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './lib/broker/redis/redis-rate-limit.store';
export type { ClusterBrokerOptions } from './lib/broker/cluster/cluster-options';
export type { ClusterBrokerStats } from './lib/broker/cluster/cluster-stats';
