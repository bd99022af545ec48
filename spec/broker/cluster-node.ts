/*
 * One node of a cluster spec, in its own process: the conformance app (conformance-app.ts) with
 * a Redis or NATS broker, plus `GET /broker/stats` ({ broker, app }). Configured by environment:
 * BROKER=redis|nats, BROKER_URL, BROKER_PREFIX. Logs go to stdout as JSON lines (warn and up);
 * an unhandled rejection or uncaught exception prints a line starting with FATAL.
 */
import pino from 'pino';
import { brokerFromEnv } from './broker-from-env';
import { createApp } from './conformance-app';

process.on('unhandledRejection', (reason) => console.log(`FATAL unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`));
process.on('uncaughtException', (error) => {
  console.log(`FATAL uncaught exception: ${String(error.stack ?? error)}`);
  process.exit(70);
});

const broker = brokerFromEnv();
if (broker === null) throw new Error('cluster-node.ts needs BROKER=redis|nats');
const app = createApp({ broker, logger: pino({ level: 'warn' }, pino.destination(1)) });
app.get('/broker/stats', async () => ({
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ broker: broker.stats(), app: await app.stats() }),
}));

// SIGTERM: leave the cluster cleanly (the broker removes this node's presence); SIGKILL is the crash case.
process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
// The spec holds this pipe: if the spec's process goes away without stopping us, so do we.
process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
process.stdin.resume();

app.listen(0, '127.0.0.1').then(
  (port) => console.log(`listening ${port}`),
  (error: unknown) => {
    console.log(`FATAL listen failed: ${String(error)}`);
    process.exit(1);
  },
);
