/**
 * `proapi/nats`: rooms across nodes through NATS. Loads the `@nats-io/transport-node` client; an
 * app that does not import this entry point never does.
 * @example
 * import { NatsBroker } from 'proapi/nats';
 * new ProAPI({ gateways, broker: new NatsBroker({ servers: process.env.PROAPI_NATS_URL }) });
 */
export { NatsBroker, type NatsBrokerOptions } from './lib/broker/nats/nats.broker';
export type { ClusterBrokerOptions } from './lib/broker/cluster/cluster-options';
export type { ClusterBrokerStats } from './lib/broker/cluster/cluster-stats';
