import { brokerChaos } from './broker-chaos';

brokerChaos('redis');
