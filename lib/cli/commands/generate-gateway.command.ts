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
  const appFile = path.join(root, 'app.ts');
  const updatedApp = existsSync(appFile) ? registerInApp(readFileSync(appFile, 'utf8'), names) : null;
  // The spec boots the project's own app when it can, so app-wide middleware and options are exercised too.
  const files = [gateway(names), gatewaySpec(names, updatedApp !== null && takesOptions(updatedApp))];
  const taken = files.filter((file) => existsSync(path.join(root, file.path)));
  if (taken.length > 0) {
    throw new CliError(
      `${taken.map((file) => file.path).join(' and ')} already exist${taken.length === 1 ? 's' : ''}; nothing was written. ` +
        'Choose another name or remove the file.',
    );
  }

  io.stdout(`Adding ${names.className} (${names.path})\n`);
  writeFiles(root, files, io);
  if (updatedApp !== null) {
    writeFileSync(appFile, updatedApp);
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
 * Returns app.ts's source with the gateway added to its one `gateways: [...]` list, plus its import.
 * Anything less regular than the generated app.ts (several lists, comments in the list) is left
 * alone (returns null) rather than guessed at.
 */
export function registerInApp(source: string, { className, kebab }: GatewayNames): string | null {
  const lists = [...source.matchAll(GATEWAYS_LIST)];
  if (lists.length !== 1) return null;
  const [list, items] = lists[0];
  if (items.includes('//') || items.includes('/*')) return null;
  const importLine = `import { ${className} } from './gateways/${kebab}.gateway';\n`;
  const imports = [...source.matchAll(/^import [^;]*;\n/gm)];
  const importAt = imports.length > 0 ? imports[imports.length - 1].index! + imports[imports.length - 1][0].length : 0;
  const listAt = lists[0].index!;
  if (listAt < importAt) return null;
  return (
    source.slice(0, importAt) +
    importLine +
    source.slice(importAt, listAt) +
    `gateways: [${appendItem(items, className)}]` +
    source.slice(listAt + list.length)
  );
}

/**
 * Appends `item` to the inside of a list literal in its style: `A, B` → `A, B, C`; a list with
 * one entry per line gets the new entry on its own line, with the same indent and trailing comma.
 */
function appendItem(items: string, item: string): string {
  const content = items.trimEnd();
  if (content.trim() === '') return item;
  const closing = items.slice(content.length);
  const lines = content.split('\n');
  if (lines.length === 1) return `${content.replace(/,$/, '')}, ${item}${closing}`;
  const indent = /^\s*/.exec(lines[lines.length - 1])![0];
  return content.endsWith(',') ? `${content}\n${indent}${item},${closing}` : `${content},\n${indent}${item}${closing}`;
}

/** Whether app.ts exports `createApp(options)` like the generated one, so a spec can pass it a logger. */
function takesOptions(appSource: string): boolean {
  return /^export function createApp\(\s*[A-Za-z_$]/m.test(appSource);
}
