/** proapi-function with Prometheus metrics on: the same routes, every hook counting (see docs/benchmarks.md, "Metrics"). */
import { createApp } from '../../samples/bench-server';

createApp({ metrics: { path: '/metrics' } })
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
