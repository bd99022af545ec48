/**
 * ProAPI as samples/bench-server.ts, as one node of a cluster: BROKER=redis|nats, BROKER_URL,
 * BROKER_PREFIX (the harness gives each measured cluster its own). With WORKERS=<n>, the process
 * runs in fast mode with n worker threads, each its own node of the broker's cluster.
 */
import { NatsBroker } from '../../nats';
import { RedisBroker } from '../../redis';
import { createApp } from '../../samples/bench-server';

const url = process.env.BROKER_URL;
const prefix = process.env.BROKER_PREFIX ?? 'bench';
const broker = process.env.BROKER === 'nats' ? new NatsBroker({ servers: url, prefix }) : new RedisBroker({ url, prefix });
const workers = process.env.WORKERS ? Number(process.env.WORKERS) : undefined;

createApp({ broker })
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', ...(workers ? { fast: true, workers } : {}) })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
