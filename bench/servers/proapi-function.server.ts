/** ProAPI, function handlers with receive loops: exactly samples/bench-server.ts, started as `npm run sample` would. */
import { createApp } from '../../samples/bench-server';

createApp()
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
