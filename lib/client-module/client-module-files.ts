import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The browser build of `proapi/client`: file name -> ES module source. */
export type ModuleFiles = ReadonlyMap<string, string>;

let cached: ModuleFiles | undefined;

/**
 * The client's ES modules, as browsers load them. An installed package ships them built
 * (dist/browser/, by `tsc -p tsconfig.client.json`); in a checkout running from source they are
 * transpiled from lib/client/ with the same options, so the page always runs the current code.
 */
export function clientModuleFiles(): ModuleFiles {
  cached ??= __filename.endsWith('.ts') ? transpileSources() : readBuilt();
  return cached;
}

function readBuilt(): ModuleFiles {
  const dir = path.join(__dirname, '../../browser');
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.js'));
  } catch (error) {
    throw new Error(`the browser build of proapi/client is missing (${dir}): reinstall proapi, or run npm run build in its checkout`, {
      cause: error,
    });
  }
  return new Map(names.sort().map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]));
}

function transpileSources(): ModuleFiles {
  // Only a checkout runs from .ts sources, and a checkout has TypeScript (a dev dependency).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const root = path.join(__dirname, '../..');
  const configFile = path.join(root, 'tsconfig.client.json');
  const config = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configFile);
  const files = new Map<string, string>();
  for (const file of parsed.fileNames.sort()) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: parsed.options, fileName: file });
    files.set(path.basename(file).replace(/\.ts$/, '.js'), outputText);
  }
  return files;
}
