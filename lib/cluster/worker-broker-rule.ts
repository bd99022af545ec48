import type { Broker } from '../broker/broker';
import { LocalBroker } from '../broker/local.broker';

/**
 * Whether fast mode links the app's workers with its own worker broker. Only for the default
 * {@link LocalBroker}: any other broker (Redis, NATS) already reaches other processes, so each
 * worker is one node of it and carries nothing to its peers itself; two paths between the same
 * workers would deliver every room message twice.
 */
export function usesWorkerBroker(broker: Broker): boolean {
  return broker instanceof LocalBroker;
}
