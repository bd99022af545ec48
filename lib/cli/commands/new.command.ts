import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli.error';
import type { CliIO } from '../cli-io';
import { isValidPackageName, packageNameFromDirectory } from '../names';
import { ownPackage } from '../own-package';
import { projectFiles } from '../templates/project.template';
import { writeFiles } from '../write-files';

export interface NewOptions {
  name?: string;
  packageManager: string;
  force?: boolean;
  proapi?: string;
}

/** `proapi new <dir>`: writes a starter project and says what to run next. */
export function newProject(dir: string, options: NewOptions, io: CliIO): void {
  const root = path.resolve(io.cwd, dir);
  const name = projectName(root, options.name);
  assertWritable(root, dir, options.force ?? false);
  const proapiSpec = dependencySpec(options.proapi, io.cwd);

  io.stdout(`Creating ${name} in ${root}\n`);
  writeFiles(root, projectFiles({ name, proapiSpec }), io);

  const pm = options.packageManager;
  io.stdout(
    [
      '',
      'Done. Next:',
      // The path as the user typed it, which is what they will recognise (and can paste).
      ...(root === path.resolve(io.cwd) ? [] : [`  cd ${/^[\w@%+=:,./-]+$/.test(dir) ? dir : JSON.stringify(dir)}`]),
      `  ${pm} install`,
      `  ${pm} test     type-checks and runs the specs`,
      `  ${pm} start    serves ws://127.0.0.1:8000/chat/<room>?username=<name>`,
      '',
    ].join('\n'),
  );
}

function projectName(root: string, given: string | undefined): string {
  if (given !== undefined) {
    if (!isValidPackageName(given)) {
      throw new CliError(
        `--name "${given}" is not a valid npm package name: use lower-case letters, digits, "-", "." or "_" (e.g. my-chat)`,
      );
    }
    return given;
  }
  const derived = packageNameFromDirectory(path.basename(root));
  if (!derived) {
    throw new CliError(`cannot make a package name from the directory name "${path.basename(root)}"; pass --name <name>`);
  }
  return derived;
}

function assertWritable(root: string, dir: string, force: boolean): void {
  if (!existsSync(root)) return;
  if (!statSync(root).isDirectory()) throw new CliError(`${dir} exists and is not a directory; choose another path`);
  const entries = readdirSync(root);
  if (entries.length === 0 || force) return;
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, ... (${entries.length} entries)` : '');
  throw new CliError(
    `${dir} is not empty (${shown}); choose a new directory, or pass --force to write into it ` +
      '(files with the same names are overwritten)',
  );
}

/** `--proapi`, with a relative `file:` path made absolute: npm resolves it from the new project, not from here. */
function dependencySpec(given: string | undefined, cwd: string): string {
  if (given === undefined) return `^${ownPackage().version}`;
  if (!given.startsWith('file:')) return given;
  const target = path.resolve(cwd, given.slice('file:'.length));
  if (!existsSync(target)) throw new CliError(`--proapi ${given}: ${target} does not exist (build one with npm pack)`);
  return `file:${target}`;
}
