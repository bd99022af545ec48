import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../helpers/process';

const ENTRY_POINTS = ['index.d.ts', 'middleware.d.ts', 'testing.d.ts', 'client.d.ts', 'redis.d.ts', 'nats.d.ts'];
/** Files that hold the transport seam and the app's wiring: never part of the published types. */
const INTERNAL_FILES = [/^lib\/adapter\//, /^lib\/runtime\//, /^lib\/connection\/(peer|connection-context|header-text|request-info)\.d\.ts$/];
const INTERNAL_NAMES = ['ResolvedOptions', 'SocketHandle', 'SocketRef', 'headerText', 'Transport', 'RouteContext', 'AppContext'];

/** Every declaration file reachable from `entry` through relative imports and re-exports. */
function reachable(root: string, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    // Imports only: JSDoc examples may show imports of their own.
    const text = readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      // ESM-style specifiers (the browser client's `./x.js`) name the same declaration file.
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '');
      const candidates = [`${target}.d.ts`, `${target}/index.d.ts`];
      const found = candidates.find((candidate) => statSync(path.join(root, candidate), { throwIfNoEntry: false })?.isFile());
      if (!found) throw new Error(`${file} imports ${specifier}, which the build did not emit`);
      visit(found);
    }
  };
  entries.forEach(visit);
  return seen;
}

describe('the published types', () => {
  let out: string;
  let files: Set<string>;

  beforeAll(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'proapi-dts-'));
    const tsc = path.join(projectRoot, 'node_modules/typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out, '--emitDeclarationOnly', '--sourceMap', 'false', '--declarationMap', 'false', '--inlineSources', 'false'], { cwd: projectRoot });
    files = reachable(out, ENTRY_POINTS);
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('never reach the transport seam, the adapter or the app wiring from an entry point', () => {
    const internal = [...files].filter((file) => INTERNAL_FILES.some((pattern) => pattern.test(file)));
    expect(internal).toEqual([]);
    expect(files.size).toBeGreaterThan(20); // the walk did follow the imports
  });

  it('name no internal type in any reachable declaration', () => {
    const leaks = [...files].flatMap((file) => {
      const text = readFileSync(path.join(out, file), 'utf8');
      return INTERNAL_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(text)).map((name) => `${file}: ${name}`);
    });
    expect(leaks).toEqual([]);
  });

  it('keep the WebSocketConnection constructor out of reach: it is built by ProAPI only', () => {
    const text = readFileSync(path.join(out, 'lib/connection/web-socket-connection.d.ts'), 'utf8');
    expect(text).toMatch(/private constructor\(\);/);
  });
});

describe('the uWebSockets.js boundary', () => {
  it('is crossed by lib/adapter/ only', () => {
    const importers: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(path.join(projectRoot, dir))) {
        const file = path.posix.join(dir, name);
        if (statSync(path.join(projectRoot, file)).isDirectory()) walk(file);
        else if (file.endsWith('.ts') && /['"]uWebSockets\.js['"]/.test(readFileSync(path.join(projectRoot, file), 'utf8'))) importers.push(file);
      }
    };
    walk('lib');
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((file) => !file.startsWith('lib/adapter/'))).toEqual([]);
  });
});
