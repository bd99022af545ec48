import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIO } from './cli-io';

/** Writes a command's output to `--out <file>` (relative to the working directory), or to stdout. */
export function writeOutput(text: string, out: string | undefined, io: CliIO, what: string): void {
  if (out === undefined) {
    io.stdout(text);
    return;
  }
  const target = path.resolve(io.cwd, out);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  io.stderr(`wrote ${what} to ${path.relative(io.cwd, target) || target}\n`);
}
