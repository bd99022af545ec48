import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { freePort, startNpm, stopProcess } from '../helpers/process';
import { launchChromium } from './chromium';

/**
 * The README's "Client-side example" (the spec's JavaScript client, word for word) runs in
 * Chromium against `npm start`. The example connects to ws://localhost:8000; Chromium is told to
 * resolve localhost:8000 to the port this `npm start` got, so the code runs unchanged.
 */
const README = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const EXAMPLE_URL = "new WebSocket('ws://localhost:8000/secure?token=secret')";

function clientExample(): string {
  const blocks = [...README.matchAll(/^```javascript\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  const example = blocks.find((block) => block.includes(EXAMPLE_URL));
  if (!example) throw new Error(`README.md has no javascript block with ${EXAMPLE_URL}`);
  return example;
}

describe("the spec's client example, verbatim in Chromium, against `npm start`", () => {
  let browser: Browser;
  let stop: () => Promise<void>;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    const { child } = await startNpm(['start'], port);
    stop = () => stopProcess(child);
    browser = await launchChromium([`--host-resolver-rules=MAP localhost:8000 127.0.0.1:${port}`]);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await stop?.();
  });

  it("logs Connected, then the server's JSON: the welcome and the answer to its message", async () => {
    const page = await browser.newPage();
    const logged: { text: string; values: unknown[] }[] = [];
    let resolveAnswered: () => void;
    const answered = new Promise<void>((resolve) => (resolveAnswered = resolve));
    page.on('console', (message: ConsoleMessage) => {
      void Promise.all(message.args().map((arg) => arg.jsonValue())).then((values) => {
        logged.push({ text: message.text(), values });
        if (logged.filter((entry) => entry.values[0] === 'Received:').length === 2) resolveAnswered();
      });
    });
    await page.goto('http://localhost:8000/'); // the page npm start serves, so the example runs from its origin
    await page.addScriptTag({ content: clientExample() });
    await answered;
    expect(logged.map((entry) => entry.values)).toEqual([
      ['Connected'],
      ['Received:', { message: 'Welcome, admin!' }],
      ['Received:', { type: 'message', username: 'admin', content: 'Hello, server!' }],
    ]);
  }, 60_000);

  it('is refused with HTTP 401 with a wrong token, so the example logs its error and a 1006 close', async () => {
    const page = await browser.newPage();
    const logged: string[] = [];
    const closed = new Promise<void>((resolve) =>
      page.on('console', (message) => {
        logged.push(message.text());
        if (message.text().startsWith('Disconnected with code:')) resolve();
      }),
    );
    await page.goto('http://localhost:8000/');
    await page.addScriptTag({ content: clientExample().replace('token=secret', 'token=wrong') });
    await closed;
    expect(logged).toContain('Disconnected with code: 1006');
    expect(logged).not.toContain('Connected');
  }, 60_000);
});
