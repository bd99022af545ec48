import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli.error';
import type { CliIO } from '../cli-io';
import { gatewayNames, type GatewayNames } from '../names';
import { gateway, gatewaySpec } from '../templates/gateway.templates';
import { writeFiles } from '../write-files';

export interface GenerateOptions {
  cwd?: string;
}

/** `proapi generate gateway <name>`: adds a gateway and its spec, and registers it in app.ts when it can. */
export function generateGateway(name: string, options: GenerateOptions, io: CliIO): void {
  const root = path.resolve(io.cwd, options.cwd ?? '.');
  if (!existsSync(path.join(root, 'package.json'))) {
    throw new CliError(`no package.json in ${root}: run this inside a ProAPI project, or pass --cwd <project dir>`);
  }
  const names = gatewayNames(name);
  const files = [gateway(names), gatewaySpec(names)];
  const taken = files.filter((file) => existsSync(path.join(root, file.path)));
  if (taken.length > 0) {
    throw new CliError(
      `${taken.map((file) => file.path).join(' and ')} already exist${taken.length === 1 ? 's' : ''}; nothing was written. ` +
        'Choose another name or remove the file.',
    );
  }

  io.stdout(`Adding ${names.className} (${names.path})\n`);
  writeFiles(root, files, io);
  if (registerInApp(path.join(root, 'app.ts'), names)) {
    io.stdout(`  updated app.ts (${names.className} added to gateways)\n`);
  } else {
    io.stdout(
      `\nRegister it in your app: new ProAPI({ gateways: [..., ${names.className}] }),\n` +
        `importing it from './gateways/${names.kebab}.gateway'.\n`,
    );
  }
  io.stdout(`\nNext: npm test  (runs spec/${names.specFileName} with the others)\n`);
}

const GATEWAYS_LIST = /gateways:\s*\[([^\]]*)\]/g;

/**
 * Adds the gateway to the one `gateways: [...]` list in app.ts, plus its import. Anything less
 * regular than the generated app.ts is left alone (returns false) rather than guessed at.
 */
export function registerInApp(appFile: string, { className, kebab }: GatewayNames): boolean {
  if (!existsSync(appFile)) return false;
  const source = readFileSync(appFile, 'utf8');
  const lists = [...source.matchAll(GATEWAYS_LIST)];
  if (lists.length !== 1) return false;
  const importLine = `import { ${className} } from './gateways/${kebab}.gateway';\n`;
  const imports = [...source.matchAll(/^import [^;]*;\n/gm)];
  const importAt = imports.length > 0 ? imports[imports.length - 1].index! + imports[imports.length - 1][0].length : 0;
  const [list, items] = lists[0];
  const listAt = lists[0].index!;
  if (listAt < importAt) return false;
  const updatedList = `gateways: [${items.trim() ? `${items.trimEnd()}, ` : ''}${className}]`;
  writeFileSync(
    appFile,
    source.slice(0, importAt) +
      importLine +
      source.slice(importAt, listAt) +
      updatedList +
      source.slice(listAt + list.length),
  );
  return true;
}
