import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli.error';
import type { CliIO } from '../cli-io';
import type { AppDescriptor } from '../../routing/route-descriptor';
import { descriptorJson, formatRoutes, routeRows } from '../format-routes';
import { loadEntry } from '../load-entry';

export interface RoutesOptions {
  cwd?: string;
  entry?: string;
  json?: boolean;
}

const DEFAULT_ENTRIES = ['app.ts', 'app.js'];

/**
 * `proapi routes`: loads the project's app module, calls its `createApp()` (or takes its default
 * export) and prints its routes: a table of `app.routes`, or with `--json` the whole
 * `app.describe()`. The app is built, never started: no port is opened.
 */
export async function printRoutes(options: RoutesOptions, io: CliIO): Promise<void> {
  const root = path.resolve(io.cwd, options.cwd ?? '.');
  const entry = findEntry(root, options.entry);
  let exports: Record<string, unknown>;
  try {
    exports = (io.loadModule ?? loadEntry)(entry) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`could not load ${entry}: ${(error as Error).message}`);
  }
  const described = await describeApp(entry, exports);
  if (options.json) {
    io.stdout(`${descriptorJson(described)}\n`);
  } else if (described.routes.length === 0) {
    io.stdout('The app has no routes yet: register gateways with new ProAPI({ gateways: [...] }).\n');
  } else {
    io.stdout(formatRoutes(routeRows(described)));
  }
}

function findEntry(root: string, given: string | undefined): string {
  if (given !== undefined) {
    const entry = path.resolve(root, given);
    if (!existsSync(entry)) throw new CliError(`--entry ${given}: ${entry} does not exist`);
    return entry;
  }
  for (const candidate of DEFAULT_ENTRIES) {
    const entry = path.join(root, candidate);
    if (existsSync(entry)) return entry;
  }
  throw new CliError(
    `no app.ts or app.js in ${root}. proapi routes loads a module exporting createApp(); ` +
      'run it in your project, or pass --cwd <project dir> or --entry <file>',
  );
}

async function describeApp(entry: string, exports: Record<string, unknown>): Promise<AppDescriptor> {
  const factory = exports.createApp ?? exports.default;
  let app: unknown = factory;
  if (typeof factory === 'function') {
    try {
      app = await (factory as () => unknown)();
    } catch (error) {
      const name = exports.createApp ? 'createApp()' : 'the default export';
      throw new CliError(`${name} in ${path.basename(entry)} threw: ${describeThrown(error)}`);
    }
  }
  const describable = typeof app === 'object' && app !== null && typeof (app as { describe?: unknown }).describe === 'function';
  if (!describable) {
    throw new CliError(
      `${path.basename(entry)} must export createApp() returning a ProAPI app ` +
        `(its exports: ${Object.keys(exports).join(', ') || 'none'})`,
    );
  }
  try {
    return (app as { describe(): AppDescriptor }).describe();
  } catch (error) {
    throw new CliError(`the app's routes are not valid: ${(error as Error).message}`);
  }
}

/** The error's message and where it was thrown (its first stack frame), without the rest of the stack. */
function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const where = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  return where ? `${error.message}\n  ${where.trim()}` : error.message;
}
