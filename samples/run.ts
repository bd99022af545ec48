/**
 * Starts a sample: `PORT=<n> npm run sample -- <name>` runs `samples/<name>.ts`'s `createApp()`
 * and prints `listening on ws://127.0.0.1:<n>` once it accepts connections.
 * `FAST=1` runs it in fast mode (one worker thread per core; `WORKERS=<n>` to choose how many):
 * each worker runs this file again, with the same arguments.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ProAPI } from '../index';

const available = readdirSync(__dirname)
  .filter((file) => /\.ts$/.test(file) && file !== 'run.ts' && !file.endsWith('.d.ts'))
  .map((file) => file.replace(/\.ts$/, ''));

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run sample -- <name>   (available: ${available.join(', ')})`);
    process.exit(2);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the sample is chosen at run time
  const sample = require(path.join(__dirname, name)) as { createApp(): ProAPI };
  const workers = process.env.WORKERS ? Number(process.env.WORKERS) : undefined;
  await sample.createApp().run({ port: Number(process.env.PORT ?? 8000), fast: process.env.FAST === '1', workers });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
