import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of ProAPI's own package.json the CLI uses. */
export interface OwnPackage {
  /** The directory of ProAPI's package.json: a checkout, or an installed copy under node_modules. */
  readonly root: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

let cached: OwnPackage | undefined;

/**
 * ProAPI's package.json, found by walking up from this file: the depth differs between the
 * sources (lib/cli) and the build (dist/lib/cli).
 */
export function ownPackage(): OwnPackage {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    try {
      const json = JSON.parse(readFileSync(candidate, 'utf8')) as Partial<OwnPackage> & { name?: string };
      if (json.name === 'proapi') {
        cached = {
          root: dir,
          version: json.version ?? '0.0.0',
          dependencies: json.dependencies ?? {},
          peerDependencies: json.peerDependencies ?? {},
          devDependencies: json.devDependencies ?? {},
        };
        return cached;
      }
    } catch {
      // no package.json here: keep walking up
    }
    if (path.dirname(dir) === dir) throw new Error(`could not find proapi's package.json above ${__dirname}`);
  }
}

/** The version range ProAPI itself uses for `name`, so generated projects install what ProAPI is tested with. */
export function ownRange(name: string): string {
  const pkg = ownPackage();
  const range = pkg.dependencies[name] ?? pkg.peerDependencies[name] ?? pkg.devDependencies[name];
  if (!range) throw new Error(`proapi's package.json does not list ${name}; the project template is out of date`);
  return range;
}
