import { brokerChaos } from './broker-chaos';

brokerChaos('nats');
