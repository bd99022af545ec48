import path from 'node:path';
import ts from 'typescript';
import type { Browser, Page } from 'playwright-core';
import { clientModuleFiles } from '../../lib/client-module/client-module-files';
import { ProAPI, serveClientModule, silentLogger } from '../../index';
import { calculatorApp } from '../client/client-fixture';
import { launchChromium } from './chromium';

const WAIT_MS = 10_000;

/** A plain page that imports the client from the app, with no build step, and reports into window.log. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>proapi/client in a browser</title>
<script type="module">
  import { createClient, ServerError } from '/proapi-client/index.js';
  window.log = [];
  // A url function is read before every attempt: the spec's second server may have another port.
  const client = createClient(() => \`ws://127.0.0.1:\${location.hash.slice(1)}/calc\`, { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
  client.onEvent('connected', ({ reconnected }) => window.log.push(reconnected ? 'reconnected' : 'connected'));
  client.onEvent('disconnected', ({ code }) => window.log.push(\`disconnected \${code}\`));
  client.on('notice', (notice) => window.log.push(\`notice \${notice.text}\`));
  window.add = (a, b) => client.request('add', { a, b }).then((reply) => reply.sum);
  window.invalid = () => client.request('add', { a: 1, b: 'x' }).catch((e) => \`\${e instanceof ServerError} \${e.error} \${e.issues[0].property}\`);
</script>`;

describe('proapi/client in headless Chromium, as plain ES modules', () => {
  let browser: Browser;
  let app: ProAPI;
  let pages: ProAPI;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());
  afterEach(() => Promise.all([app?.close(), pages?.close()]));

  /**
   * The page and the modules come from an app of their own: the browser keeps idle HTTP
   * connections to it, which would keep the calculator's port from being bound again at once.
   */
  async function servePage(): Promise<string> {
    pages = new ProAPI({ logger: silentLogger });
    serveClientModule(pages);
    pages.get('/', () => ({ headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: PAGE }));
    return `http://127.0.0.1:${await pages.listen(0, '127.0.0.1')}/`;
  }

  function waitForLog(page: Page, entry: string): Promise<unknown> {
    return page.waitForFunction((e) => (globalThis as { log?: string[] }).log?.includes(e), entry, { timeout: WAIT_MS });
  }

  it('serves exactly what `tsc -p tsconfig.client.json` builds into dist/browser', () => {
    const configFile = path.join(__dirname, '../../tsconfig.client.json');
    const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const built = new Map<string, string>();
    const program = ts.createProgram(config?.fileNames ?? [], config?.options ?? {});
    const emitted = program.emit(undefined, (file, text) => built.set(path.basename(file), text));
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(emitted.emitSkipped).toBe(false);
    expect(new Map([...clientModuleFiles()])).toEqual(built);
  });

  it('requests, gets typed errors and pushes over the native WebSocket, and reconnects when the server is back', async () => {
    // The page comes from another port, so another origin: allowed explicitly.
    const fromPages = { allowedOrigins: [/^http:\/\/127\.0\.0\.1:\d+$/] };
    app = calculatorApp(undefined, fromPages);
    const port = await app.listen(0, '127.0.0.1');
    const page = await (await browser.newContext()).newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${await servePage()}#${port}`);
    await waitForLog(page, 'notice welcome');
    expect(await page.evaluate('window.add(2, 3)')).toBe(5);
    expect(await page.evaluate('window.invalid()')).toBe('true validation b');

    await app.close();
    await waitForLog(page, 'disconnected 1001');
    // Not on the same port: on some kernels a listener in the same process is refused while the
    // connections app.close() closed are in TIME_WAIT (README, uWS caveats);
    // spec/client/client-restart.spec.ts restarts a new process on the same port.
    app = calculatorApp(undefined, fromPages);
    const again = await app.listen(0, '127.0.0.1');
    await page.evaluate((next) => ((globalThis as unknown as { location: { hash: string } }).location.hash = String(next)), again);
    await waitForLog(page, 'reconnected');
    expect(await page.evaluate('window.add(20, 22)')).toBe(42);
    expect(failures).toEqual([]);
  }, 60_000);
});
