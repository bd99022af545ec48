import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ensureChromium } from './chromium';

/** The part of jest's global config that says which spec files run (a regex of the paths given). */
interface RunSelection {
  readonly testPathPattern?: string;
}

/**
 * jest's globalSetup: before a run that includes a browser spec, make sure Chromium is there
 * (installing Debian's package when this user may), so a fresh machine's `npm test` needs nothing
 * installed by hand, and a machine where it cannot be installed stops at once with the command.
 */
export default function globalSetup(globalConfig: RunSelection): void {
  if (!includesBrowserSpecs(globalConfig)) return;
  try {
    ensureChromium();
  } catch (error) {
    // The message is the whole story (what is missing, the command to run): no stack trace.
    process.stderr.write(`\n${(error as Error).message}\n\n`);
    process.exit(1);
  }
}

function includesBrowserSpecs(globalConfig: RunSelection): boolean {
  const pattern = globalConfig.testPathPattern;
  if (!pattern) return true;
  const matches = new RegExp(pattern, 'i');
  return readdirSync(__dirname)
    .filter((file) => file.endsWith('.spec.ts'))
    .some((file) => matches.test(path.join(__dirname, file)));
}
