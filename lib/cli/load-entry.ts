import { createRequire } from 'node:module';
import path from 'node:path';
import { CliError } from './cli.error';

const TYPESCRIPT = /\.[cm]?ts$/;

/**
 * Loads a project's module with the project's own resolution (its node_modules, its `proapi`).
 * TypeScript files go through the project's ts-node in transpile-only mode: no type check, no build.
 */
export function loadEntry(file: string): unknown {
  const projectRequire = createRequire(file);
  if (TYPESCRIPT.test(file) && !require.extensions['.ts']) {
    let tsNode: { register(options: object): unknown };
    try {
      tsNode = projectRequire('ts-node') as typeof tsNode;
    } catch {
      throw new CliError(
        `loading ${path.basename(file)} needs ts-node in the project (npm install --save-dev ts-node), ` +
          'or build it and pass --entry dist/app.js',
      );
    }
    tsNode.register({ transpileOnly: true, projectSearchDir: path.dirname(file) });
  }
  return projectRequire(file);
}
