import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { withTimeout } from '../helpers/async';
import { freePort, startNpm, stopProcess } from '../helpers/process';
import { launchChromium } from './chromium';

/**
 * The README's "The spec's client example" (the spec's JavaScript client, word for word) runs in
 * Chromium, on the page `npm start` serves, against `npm start`. The example connects to
 * ws://localhost:8000; Chromium is told to resolve localhost:8000 to the port this `npm start`
 * got, so the code runs unchanged.
 */
const README = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const EXAMPLE_URL = "new WebSocket('ws://localhost:8000/secure?token=secret')";
const WAIT_MS = 10_000;

function clientExample(): string {
  const blocks = [...README.matchAll(/^```javascript\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  const example = blocks.find((block) => block.includes(EXAMPLE_URL));
  if (!example) throw new Error(`README.md has no javascript block with ${EXAMPLE_URL}`);
  return example;
}

/**
 * What the page logs: `calls`, each console call of the page's code as its arguments; `browser`,
 * the lines Chromium logs itself (they have no arguments). `waitFor(n)` resolves once the page's
 * code has made `n` calls.
 */
function recordConsole(page: Page): { calls: unknown[][]; browser: string[]; waitFor(count: number, what: string): Promise<void> } {
  const calls: unknown[][] = [];
  const browser: string[] = [];
  const waiters: { count: number; resolve(): void; reject(error: Error): void }[] = [];
  const settle = (): void => {
    for (const waiter of waiters.filter((w) => calls.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  let inOrder = Promise.resolve(); // values arrive asynchronously; calls keep the order they were made in
  page.on('console', (message) => {
    if (message.args().length === 0) return void browser.push(message.text());
    // A JSHandle's value, e.g. the parsed message the example logs; an Event (the error) as its text.
    const values = Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => message.text())));
    inOrder = inOrder.then(async () => {
      calls.push(await values);
      settle();
    });
  });
  // An exception in the example (or the page) fails the wait at once, with its message.
  page.on('pageerror', (error) => waiters.splice(0).forEach((waiter) => waiter.reject(error)));
  return {
    calls,
    browser,
    waitFor: (count, what) =>
      withTimeout(
        new Promise<void>((resolve, reject) => {
          waiters.push({ count, resolve, reject });
          settle();
        }),
        WAIT_MS,
        `${what} (logged so far: ${JSON.stringify(calls)})`,
      ),
  };
}

describe("the spec's client example, verbatim in Chromium, against `npm start`", () => {
  let browser: Browser;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const port = await freePort();
    const { child } = await startNpm(['start'], port);
    stop = () => stopProcess(child);
    browser = await launchChromium([`--host-resolver-rules=MAP localhost:8000 127.0.0.1:${port}`]);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await stop?.();
  });

  async function runExample(code: string): Promise<ReturnType<typeof recordConsole>> {
    const page = await browser.newPage();
    const logged = recordConsole(page);
    await page.goto('http://localhost:8000/'); // the page npm start serves, so the example runs from its origin
    await page.addScriptTag({ content: code });
    return logged;
  }

  it("logs Connected, then the server's JSON: the welcome and the answer to its message", async () => {
    const logged = await runExample(clientExample());
    await logged.waitFor(3, 'Connected and two received messages');
    expect(logged.calls).toEqual([
      ['Connected'],
      ['Received:', { message: 'Welcome, admin!' }],
      ['Received:', { type: 'message', username: 'admin', content: 'Hello, server!' }],
    ]);
  }, 60_000);

  it('is refused with a wrong token (HTTP 401 before the upgrade), so it logs its error and a 1006 close', async () => {
    const logged = await runExample(clientExample().replace('token=secret', 'token=wrong'));
    await logged.waitFor(2, 'the error and the close');
    expect(logged.calls[0][0]).toBe('WebSocket error:');
    expect(logged.calls[1]).toEqual(['Disconnected with code:', 1006]);
    // Chromium's own line: a 401 that WWW-Authenticate: Bearer explains.
    expect(logged.browser).toEqual(["WebSocket connection to 'ws://localhost:8000/secure?token=wrong' failed: HTTP Authentication failed; no valid credentials available"]);
  }, 60_000);
});
