import type { Broker } from '../../index';
import type { ClusterBrokerStats } from '../../redis';

export type ClusterBroker = Broker & { stats(): ClusterBrokerStats | null };

/**
 * The broker a spec process was told to use: BROKER=redis|nats with BROKER_URL and BROKER_PREFIX,
 * or null without BROKER. Only the client it names is loaded (and transpiled): processes boot faster.
 */
export function brokerFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterBroker | null {
  const { BROKER: kind, BROKER_URL: url, BROKER_PREFIX: prefix } = env;
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (kind === 'redis') return new (require('../../redis') as typeof import('../../redis')).RedisBroker({ url, prefix });
  if (kind === 'nats') return new (require('../../nats') as typeof import('../../nats')).NatsBroker({ servers: url, prefix });
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (kind !== undefined && kind !== '') throw new Error(`BROKER must be redis or nats, got ${JSON.stringify(kind)}`);
  return null;
}
