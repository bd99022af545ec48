import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { registerInApp } from '../../lib/cli/commands/generate-gateway.command';
import { formatRoutes } from '../../lib/cli/format-routes';
import { gatewayNames } from '../../lib/cli/names';
import { runCli } from '../../lib/cli/program';
import { detectCheckout } from '../../lib/cli/proapi-dependency';

const { version, peerDependencies: ownPeers } = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process, in `cwd`, capturing what it prints. It acts as a published package
 * (`proapi new` writes `^<version>`) unless `checkout` names a ProAPI checkout to pack.
 */
async function proapi(cwd: string, ...argv: string[]): Promise<Run> {
  return proapiFrom(null, cwd, ...argv);
}

async function proapiFrom(checkout: string | null, cwd: string, ...argv: string[]): Promise<Run> {
  const run = { code: 0, stdout: '', stderr: '' };
  run.code = await runCli(argv, {
    cwd,
    stdout: (text) => (run.stdout += text),
    stderr: (text) => (run.stderr += text),
    loadModule: (file) => require(file) as unknown,
    proapiCheckout: checkout,
  });
  return run;
}

describe('proapi CLI', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'proapi-cli-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('prints help with every command, and its version', async () => {
    const help = await proapi(work, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: proapi \[options\] \[command\]/);
    for (const command of ['new [options] <dir>', 'generate|g', 'routes [options]']) expect(help.stdout).toContain(command);
    expect(await proapi(work, '--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const newHelp = await proapi(work, 'new', '--help');
    expect(newHelp.stdout).toMatch(/--proapi <spec>/);
  });

  it.each([
    [['bogus'], "unknown command 'bogus'"],
    [['new'], "missing required argument 'dir'"],
    [['new', 'app', '--package-manager', 'yarn'], "argument 'yarn' is invalid. Allowed choices are npm"],
    [['new', 'app', '--colour'], "unknown option '--colour'"],
    [['new', 'app', '--name', 'My App'], '--name "My App" is not a valid npm package name'],
    [['g', 'gateway'], "missing required argument 'name'"],
  ])('exits non-zero on %p, saying why', async (argv, message) => {
    const run = await proapi(work, ...argv);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  describe('new', () => {
    it('creates a project and says what to run next', async () => {
      const run = await proapi(work, 'new', 'My Chat');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const root = path.join(work, 'My Chat');
      expect(run.stdout).toContain(`Creating my-chat in ${root}`);
      for (const file of ['package.json', 'tsconfig.json', 'jest.config.ts', 'README.md', 'app.ts', 'gateways/chat.gateway.ts', 'spec/chat.gateway.spec.ts']) {
        expect(run.stdout).toContain(`created ${file}`);
        expect(existsSync(path.join(root, file))).toBe(true);
      }
      expect(run.stdout).toMatch(/cd "My Chat"\n {2}npm install\n {2}npm test .*\n {2}npm start /);
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
      expect(pkg.name).toBe('my-chat');
      expect(pkg.dependencies).toEqual({
        'class-transformer': ownPeers['class-transformer'],
        'class-validator': ownPeers['class-validator'],
        proapi: `^${version}`,
      });
      expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toMatch(/\nnpm install && npm start [^\n]*\nnpm test /);
    });

    it('says cd with the path as it was typed, and accepts a directory named with digits first', async () => {
      const typed = path.join(work, '2048');
      const run = await proapi(work, 'new', typed);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`Creating 2048 in ${typed}`);
      expect(run.stdout).toContain(`\n  cd ${typed}\n`);
    });

    it('refuses a non-empty directory unless --force', async () => {
      writeFileSync(path.join(work, 'notes.txt'), 'mine');
      const refused = await proapi(work, 'new', '.');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('error: . is not empty (notes.txt); choose a new directory, or pass --force');
      expect(existsSync(path.join(work, 'package.json'))).toBe(false);

      const forced = await proapi(work, 'new', '.', '--force', '--name', 'chat');
      expect(forced.code).toBe(0);
      expect(forced.stdout).not.toContain('cd ');
      expect(readFileSync(path.join(work, 'notes.txt'), 'utf8')).toBe('mine');
      expect(existsSync(path.join(work, 'gateways/chat.gateway.ts'))).toBe(true);
    });

    it('writes a file: proapi dependency as an absolute path, and checks it exists', async () => {
      writeFileSync(path.join(work, 'proapi.tgz'), '');
      expect((await proapi(work, 'new', 'app', '--proapi', 'file:proapi.tgz')).code).toBe(0);
      const pkg = JSON.parse(readFileSync(path.join(work, 'app/package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(pkg.dependencies.proapi).toBe(`file:${path.join(work, 'proapi.tgz')}`);

      const missing = await proapi(work, 'new', 'other', '--proapi', 'file:missing.tgz');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('missing.tgz does not exist (build one with npm pack)');
    });
  });

  describe('new, run from a checkout of ProAPI (unpublished)', () => {
    /** A stand-in checkout: a package named proapi that `npm pack` packs in a moment (no build). */
    function fakeCheckout(scripts: Record<string, string> = {}): string {
      const checkout = path.join(work, 'proapi-checkout');
      mkdirSync(checkout);
      writeFileSync(path.join(checkout, 'package.json'), JSON.stringify({ name: 'proapi', version, files: ['index.js'], scripts }));
      writeFileSync(path.join(checkout, 'index.js'), 'module.exports = 1;\n');
      return checkout;
    }

    it('packs the checkout into vendor/ and points the project at it, saying why', async () => {
      const checkout = fakeCheckout();
      const run = await proapiFrom(checkout, work, 'new', 'my-chat');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const root = path.join(work, 'my-chat');
      const tarball = `vendor/proapi-${version}.tgz`;
      expect(run.stdout).toContain(`Packing ProAPI from ${checkout} (it is not on the npm registry yet`);
      expect(run.stdout).toContain(`created ${tarball} (ProAPI ${version}, packed from ${checkout})`);
      expect(run.stdout).toContain(`Once it is published: npm install proapi@^${version}`);
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(pkg.dependencies.proapi).toBe(`file:${tarball}`);
      // A real npm tarball of the checkout: gzip, with the package inside.
      const packed = readFileSync(path.join(root, tarball));
      expect([...packed.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
      expect(gunzipSync(packed).toString('latin1')).toContain('package/index.js');
      expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`## Where ProAPI comes from`);
    });

    it('writes nothing when the checkout cannot be packed, and says what failed', async () => {
      const checkout = fakeCheckout({ prepare: 'node -e "console.error(\'tsc: 3 errors\'); process.exit(3)"' });
      const run = await proapiFrom(checkout, work, 'new', 'my-chat');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`error: could not pack ProAPI from ${checkout} (npm pack exited with 3)`);
      expect(run.stderr).toContain('tsc: 3 errors');
      expect(existsSync(path.join(work, 'my-chat'))).toBe(false);
    });

    it('detects this repository as a checkout', () => {
      expect(detectCheckout()).toBe(realpathSync(path.resolve(__dirname, '../..')));
    });
  });

  describe('generate gateway', () => {
    it('adds a gateway and its spec with normalised names, registers it, and refuses to overwrite', async () => {
      await proapi(work, 'new', 'app');
      const root = path.join(work, 'app');
      const run = await proapi(root, 'g', 'gateway', 'chatRoom');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain('created gateways/chat-room.gateway.ts');
      expect(run.stdout).toContain('created spec/chat-room.gateway.spec.ts');
      expect(readFileSync(path.join(root, 'gateways/chat-room.gateway.ts'), 'utf8')).toMatch(
        /@WebSocket\('\/chat-room'\)\nexport class ChatRoomGateway \{/,
      );
      const app = readFileSync(path.join(root, 'app.ts'), 'utf8');
      expect(app).toContain("import { ChatRoomGateway } from './gateways/chat-room.gateway';");
      expect(app).toMatch(/gateways: \[ChatGateway, ChatRoomGateway\]/);

      const again = await proapi(work, 'generate', 'gateway', 'chat-room', '--cwd', 'app');
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('gateways/chat-room.gateway.ts and spec/chat-room.gateway.spec.ts already exist; nothing was written');
      expect(readFileSync(path.join(root, 'app.ts'), 'utf8')).toBe(app);
    });

    it("writes a spec that boots the project's createApp() once the gateway is registered", async () => {
      await proapi(work, 'new', 'app');
      const root = path.join(work, 'app');
      await proapi(root, 'g', 'gateway', 'presence');
      const spec = readFileSync(path.join(root, 'spec/presence.gateway.spec.ts'), 'utf8');
      expect(spec).toContain("import { createApp } from '../app';");
      expect(spec).toContain('createTestClient(createApp({ logger: silentLogger }))');
      expect(spec).not.toContain('new ProAPI');
    });

    it('tells how to register the gateway when app.ts is not the generated one, and its spec builds its own app', async () => {
      writeFileSync(path.join(work, 'package.json'), '{}');
      const run = await proapi(work, 'g', 'gateway', 'presence');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Register it in your app: new ProAPI({ gateways: [..., PresenceGateway] })');
      const spec = readFileSync(path.join(work, 'spec/presence.gateway.spec.ts'), 'utf8');
      expect(spec).toContain("import { PresenceGateway } from '../gateways/presence.gateway';");
      expect(spec).toContain('createTestClient(new ProAPI({ gateways: [PresenceGateway], logger: silentLogger }))');
    });

    describe('adds the gateway to the gateways list in the style of the list', () => {
      const names = gatewayNames('presence');
      const app = (list: string): string => `import { ProAPI } from 'proapi';\n\nexport const app = new ProAPI({ ${list} });\n`;
      const importLine = "import { PresenceGateway } from './gateways/presence.gateway';\n";

      it.each([
        ['an empty list', 'gateways: []', 'gateways: [PresenceGateway]'],
        ['a single-line list', 'gateways: [A, B]', 'gateways: [A, B, PresenceGateway]'],
        ['a single-line list with a trailing comma', 'gateways: [A, B,]', 'gateways: [A, B, PresenceGateway]'],
        ['a multi-line list', 'gateways: [\n    A,\n    B\n  ]', 'gateways: [\n    A,\n    B,\n    PresenceGateway\n  ]'],
        [
          'a multi-line list with a trailing comma',
          'gateways: [\n    A,\n    B,\n  ]',
          'gateways: [\n    A,\n    B,\n    PresenceGateway,\n  ]',
        ],
      ])('%s', (_, list, updated) => {
        expect(registerInApp(app(list), names)).toBe(
          `import { ProAPI } from 'proapi';\n${importLine}\nexport const app = new ProAPI({ ${updated} });\n`,
        );
      });

      it.each([
        ['two lists', 'gateways: [A], other: { gateways: [B] }'],
        ['a comment in the list', 'gateways: [\n    A, // the chat\n  ]'],
        ['no list', 'logger: silentLogger'],
      ])('leaves app.ts alone with %s', (_, list) => {
        expect(registerInApp(app(list), names)).toBeNull();
      });
    });

    it('refuses to run outside a project', async () => {
      const run = await proapi(work, 'g', 'gateway', 'presence');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`no package.json in ${work}: run this inside a ProAPI project, or pass --cwd <project dir>`);
    });
  });

  describe('routes', () => {
    const fixture = path.join(__dirname, 'fixtures/routes.app.ts');

    it("prints the app's route table, or with --json its description, without starting it", async () => {
      const run = await proapi(work, 'routes', '--entry', fixture);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.split('\n')).toEqual([
        'PATH         GATEWAY      HANDLER  MIDDLEWARES',
        '/chat/:room  ChatGateway  connect  requestId → RequireToken',
        '/echo        (function)   echo     requestId',
        '',
      ]);
      const json = await proapi(work, 'routes', '--entry', fixture, '--json');
      const none = { wildcard: false, query: [], headers: [], disconnect: null, discriminator: null, idField: null, messages: [], emits: [] };
      expect(JSON.parse(json.stdout)).toEqual({
        routes: [
          {
            ...none,
            path: '/chat/:room',
            params: [{ name: 'room', type: 'string' }],
            gateway: 'ChatGateway',
            style: 'loop',
            connect: 'connect',
            middlewares: [{ name: 'requestId' }, { name: 'RequireToken' }],
          },
          { ...none, path: '/echo', params: [], gateway: null, style: 'function', connect: 'echo', middlewares: [{ name: 'requestId' }] },
        ],
      });
    });

    it('says where it looked for the app', async () => {
      const run = await proapi(work, 'routes');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`no app.ts or app.js in ${work}. proapi routes loads a module exporting createApp()`);
      writeFileSync(path.join(work, 'app.js'), 'exports.somethingElse = 1;');
      const wrong = await proapi(work, 'routes');
      expect(wrong.stderr).toContain('app.js must export createApp() returning a ProAPI app (its exports: somethingElse)');
    });

    it('reports an exception from createApp() in one message, with where it was thrown', async () => {
      const run = await proapi(work, 'routes', '--entry', path.join(__dirname, 'fixtures/throwing.app.ts'));
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/^error: createApp\(\) in throwing\.app\.ts threw: DATABASE_URL is not set\n {2}at createApp \(.*throwing\.app\.ts:\d+:\d+\)\n$/);
    });

    it('formats extra route fields, such as middleware chains, as columns', () => {
      const table = formatRoutes([
        { path: '/a', gateway: 'A', handler: 'connect', middleware: ['Auth', 'RateLimit'] },
        { path: '/b', gateway: 'B', handler: 'connect', middleware: [] },
      ]);
      expect(table).toBe(
        ['PATH  GATEWAY  HANDLER  MIDDLEWARE', '/a    A        connect  Auth → RateLimit', '/b    B        connect  -', ''].join('\n'),
      );
    });
  });
});
