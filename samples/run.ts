/**
 * Starts a sample: `PORT=<n> npm run sample -- <name>` runs `samples/<name>.ts`'s `createApp()`
 * and prints `listening on ws://127.0.0.1:<n>` once it accepts connections, then the address of
 * the sample's page, if it serves one. `HOST=<address>` binds only that address (default: every
 * interface). `FAST=1` runs it in fast mode (one worker thread per core; `WORKERS=<n>` to choose
 * how many): each worker runs this file again, with the same arguments, and serves quietly.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Broker, ProAPI, ProAPIOptions } from '../index';

interface Sample {
  createApp(options?: ProAPIOptions): ProAPI;
  /** Where the sample serves a page, if it does. */
  pagePath?: string;
}

/** The modules that only help other samples. */
const HELPERS = new Set(['run', 'chat-line']);

const available = readdirSync(__dirname)
  .filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .filter((name) => !HELPERS.has(name));

/** With PROAPI_REDIS_URL or PROAPI_NATS_URL set, rooms span every node started with the same one. */
async function brokerFromEnv(): Promise<Broker | undefined> {
  if (process.env.PROAPI_REDIS_URL) return new (await import('../redis')).RedisBroker({ url: process.env.PROAPI_REDIS_URL });
  if (process.env.PROAPI_NATS_URL) return new (await import('../nats')).NatsBroker({ servers: process.env.PROAPI_NATS_URL });
  return undefined;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run sample -- <name>   (available: ${available.join(', ')})`);
    process.exit(2);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the sample is chosen at run time
  const sample = require(path.join(__dirname, name)) as Sample;
  const broker = await brokerFromEnv();
  const app = sample.createApp(broker ? { broker } : {});
  const bound = process.env.HOST || '0.0.0.0';
  const workers = process.env.WORKERS ? Number(process.env.WORKERS) : undefined;
  // Prints the ready line, "listening on ws://<host>:<port>", which scripts wait for.
  const port = await app.run({ port: Number(process.env.PORT ?? 8000), host: bound, fast: process.env.FAST === '1', workers });
  if (!isMainThread) return; // a fast-mode worker: the main thread prints the rest
  const everyInterface = bound === '0.0.0.0' || bound === '::';
  const host = everyInterface ? '127.0.0.1' : bound.includes(':') ? `[${bound}]` : bound;
  // One write, so whoever reads the ready line gets the rest with it.
  const lines = [`WebSocket routes: ${app.routes.map((route) => route.path).join(' ')}`];
  if (sample.pagePath !== undefined) lines.push(`page: http://${host}:${port}${sample.pagePath}`);
  if (everyInterface) {
    lines.push(`bound to every interface (${bound}), so other machines can connect too; HOST=127.0.0.1 keeps it on this one`);
  }
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
