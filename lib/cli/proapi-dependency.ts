import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CliError } from './cli.error';
import type { CliIO } from './cli-io';
import { ownPackage } from './own-package';

/** Where a packed checkout goes inside the new project. */
export const VENDOR_DIR = 'vendor';

/**
 * How a new project depends on ProAPI, and what `proapi new` must do for it.
 * - `registry`: `^<version>` from npm, when this CLI is an installed package.
 * - `tarball`: this CLI runs from a checkout of ProAPI, which is not on npm: the checkout is
 *   packed (`npm pack`, which builds it) into the project's vendor/ and the project points there.
 * - `given`: what `--proapi` said.
 */
export type ProapiSource =
  | { readonly kind: 'registry'; readonly spec: string }
  | { readonly kind: 'tarball'; readonly spec: string; readonly checkout: string; readonly fileName: string }
  | { readonly kind: 'given'; readonly spec: string };

export function proapiSource(given: string | undefined, io: CliIO): ProapiSource {
  const { version } = ownPackage();
  if (given !== undefined) return { kind: 'given', spec: givenSpec(given, io.cwd) };
  const checkout = io.proapiCheckout === undefined ? detectCheckout() : io.proapiCheckout;
  if (checkout === null) return { kind: 'registry', spec: `^${version}` };
  const fileName = `proapi-${version}.tgz`;
  return { kind: 'tarball', spec: `file:${VENDOR_DIR}/${fileName}`, checkout, fileName };
}

/** `--proapi`, with a relative `file:` path made absolute: npm resolves it from the new project, not from here. */
function givenSpec(given: string, cwd: string): string {
  if (!given.startsWith('file:')) return given;
  const target = path.resolve(cwd, given.slice('file:'.length));
  if (!existsSync(target)) throw new CliError(`--proapi ${given}: ${target} does not exist (build one with npm pack)`);
  return `file:${target}`;
}

/**
 * ProAPI's own directory if this CLI runs from a checkout (sources and build config present, not
 * inside node_modules), else null. A published package ships only dist/, README and LICENSE.
 */
export function detectCheckout(): string | null {
  const root = realpathSync(ownPackage().root);
  if (root.split(path.sep).includes('node_modules')) return null;
  const isCheckout = existsSync(path.join(root, 'tsconfig.build.json')) && existsSync(path.join(root, 'lib'));
  return isCheckout ? root : null;
}

/**
 * Packs the checkout (`npm pack` runs its build) into a temporary directory and returns the
 * tarball's path. Slow (a full build), so it runs once, before anything is written.
 */
export function packCheckout(source: Extract<ProapiSource, { kind: 'tarball' }>, io: CliIO): string {
  io.stdout(`Packing ProAPI from ${source.checkout} (it is not on the npm registry yet; npm pack builds it first)...\n`);
  const destination = mkdtempSync(path.join(tmpdir(), 'proapi-pack-'));
  const result = spawnSync('npm', ['pack', '--pack-destination', destination], {
    cwd: source.checkout,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tarball = path.join(destination, source.fileName);
  if (result.status !== 0 || !existsSync(tarball)) {
    rmSync(destination, { recursive: true, force: true });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new CliError(
      `could not pack ProAPI from ${source.checkout} (${result.error?.message ?? `npm pack exited with ${result.status}`}):\n${output}\n` +
        'Fix the build (npm run build in the checkout), or pass --proapi <spec>.',
    );
  }
  return tarball;
}

/** Moves the packed tarball into the project's vendor/ directory. */
export function vendorTarball(tarball: string, projectRoot: string, fileName: string): void {
  mkdirSync(path.join(projectRoot, VENDOR_DIR), { recursive: true });
  copyFileSync(tarball, path.join(projectRoot, VENDOR_DIR, fileName));
  rmSync(path.dirname(tarball), { recursive: true, force: true });
}
