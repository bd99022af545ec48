/**
 * ProAPI as samples/bench-server.ts, as one node of a cluster: BROKER=redis|nats, BROKER_URL,
 * BROKER_PREFIX (the harness gives each measured cluster its own).
 */
import { NatsBroker } from '../../nats';
import { RedisBroker } from '../../redis';
import { createApp } from '../../samples/bench-server';

const url = process.env.BROKER_URL;
const prefix = process.env.BROKER_PREFIX ?? 'bench';
const broker = process.env.BROKER === 'nats' ? new NatsBroker({ servers: url, prefix }) : new RedisBroker({ url, prefix });

createApp({ broker })
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
