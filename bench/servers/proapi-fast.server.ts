/**
 * ProAPI in fast mode: samples/bench-server.ts run with `{ fast: true }` and WORKERS worker
 * threads sharing the port. Each worker runs this file again (compiled, from bench/.build).
 */
import { createApp } from '../../samples/bench-server';

createApp()
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', fast: true, workers: Number(process.env.WORKERS ?? 2) })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
