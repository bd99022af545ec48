import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIO } from './cli-io';
import type { TemplateFile } from './templates/template-file';

/** Writes `files` under `root`, reporting each one the way a person reads it. */
export function writeFiles(root: string, files: readonly TemplateFile[], io: CliIO): void {
  for (const file of files) {
    const target = path.join(root, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    io.stdout(`  created ${file.path}\n`);
  }
}
