/**
 * Starts a sample: `PORT=<n> npm run sample -- <name>` runs `samples/<name>.ts`'s `createApp()`
 * and prints `listening on ws://127.0.0.1:<n>` once it accepts connections.
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
  await sample.createApp().run({ port: Number(process.env.PORT ?? 8000), fast: process.env.FAST === '1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
