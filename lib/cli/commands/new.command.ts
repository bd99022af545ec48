import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli.error';
import type { CliIO } from '../cli-io';
import { isValidPackageName, packageNameFromDirectory } from '../names';
import { ownPackage } from '../own-package';
import { packCheckout, proapiSource, vendorTarball, type ProapiSource } from '../proapi-dependency';
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
  const source = proapiSource(options.proapi, io);
  // Packed before anything is written, so a failed build leaves no half-made project.
  const tarball = source.kind === 'tarball' ? packCheckout(source, io) : null;

  io.stdout(`Creating ${name} in ${root}\n`);
  writeFiles(root, projectFiles({ name, proapiSpec: source.spec }), io);
  if (source.kind === 'tarball' && tarball !== null) {
    vendorTarball(tarball, root, source.fileName);
    io.stdout(`  created vendor/${source.fileName} (ProAPI ${ownPackage().version}, packed from ${source.checkout})\n`);
  }

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
      ...whereProapiComesFrom(source),
    ].join('\n'),
  );
}

function whereProapiComesFrom(source: ProapiSource): string[] {
  if (source.kind !== 'tarball') return [];
  return [
    `ProAPI is not on the npm registry yet, so the project installs it from ${source.spec.slice('file:'.length)}`,
    `("proapi": "${source.spec}" in package.json). Once it is published: npm install proapi@^${ownPackage().version}`,
    '',
  ];
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
