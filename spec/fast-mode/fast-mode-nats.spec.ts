import { fastModeWithBroker } from './fast-mode-broker';

const url = process.env.PROAPI_NATS_URL ?? 'nats://127.0.0.1:4222';
// Core NATS keeps nothing once the nodes have gone: there is nothing to clean up.
fastModeWithBroker('NatsBroker', 'nats', url, `spec-fast-${process.pid}-${Date.now()}`, async () => undefined);
