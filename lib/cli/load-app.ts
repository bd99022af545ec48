import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AsyncApiDocument, AsyncApiOptions } from '../asyncapi/asyncapi-document';
import type { AppDescriptor } from '../routing/route-descriptor';
import { CliError } from './cli.error';
import type { CliIO } from './cli-io';
import { loadEntry } from './load-entry';

/** Where a command finds the project's app: `--cwd` and `--entry`. */
export interface AppLocation {
  cwd?: string;
  entry?: string;
}

/** What the commands use of the project's app (its own `proapi`, whichever version that is). */
export interface ProjectApp {
  describe(): AppDescriptor;
  asyncapi?(options?: AsyncApiOptions): AsyncApiDocument;
}

export interface LoadedApp {
  readonly app: ProjectApp;
  readonly entry: string;
  /** The project directory. */
  readonly root: string;
}

const DEFAULT_ENTRIES = ['app.ts', 'app.js'];

/**
 * Loads the project's app module and calls its `createApp()` (or takes its default export: an
 * app, or a function returning one, possibly async). The app is built, never started.
 */
export async function loadApp(location: AppLocation, io: CliIO, command: string): Promise<LoadedApp> {
  const root = path.resolve(io.cwd, location.cwd ?? '.');
  const entry = findEntry(root, location.entry, command);
  let exports: Record<string, unknown>;
  try {
    exports = (io.loadModule ?? loadEntry)(entry) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`could not load ${entry}: ${(error as Error).message}`);
  }
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
  return { app: app as ProjectApp, entry, root };
}

/** Runs `read` on the loaded app, turning a route definition error into a CLI error. */
export function readApp<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new CliError(`the app's routes are not valid: ${(error as Error).message}`);
  }
}

function findEntry(root: string, given: string | undefined, command: string): string {
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
    `no app.ts or app.js in ${root}. proapi ${command} loads a module exporting createApp(); ` +
      'run it in your project, or pass --cwd <project dir> or --entry <file>',
  );
}

/** The error's message and where it was thrown (its first stack frame), without the rest of the stack. */
function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const where = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  return where ? `${error.message}\n  ${where.trim()}` : error.message;
}
