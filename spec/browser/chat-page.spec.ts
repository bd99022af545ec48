import { chromium, type Browser, type Page } from 'playwright-core';
import { silentLogger, type ProAPI } from '../../index';
import { createApp } from '../../samples/chat';

// Debian's chromium package (.ci/run installs it when missing).
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT_MS = 10_000;

describe('the chat page in headless Chromium', () => {
  let app: ProAPI;
  let url: string;
  let browser: Browser;
  beforeAll(async () => {
    app = createApp({ logger: silentLogger });
    url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Opens the page in its own browser context (like a separate window) and joins `room`. */
  async function joinAs(name: string, room: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.fill('#name', name);
    await page.fill('#room', room);
    await page.click('#join');
    await waitForText(page, '#status', 'connected');
    return page;
  }

  function waitForText(page: Page, selector: string, text: string): Promise<void> {
    const exactly = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return page.locator(selector).filter({ hasText: exactly }).waitFor({ timeout: WAIT_MS });
  }

  function waitForLine(page: Page, kind: 'message' | 'system', text: string): Promise<void> {
    return page.locator(`#messages li.${kind}`).filter({ hasText: text }).waitFor({ timeout: WAIT_MS });
  }

  it('shows members and carries a message from one tab to the other, as text', async () => {
    const alice = await joinAs('alice', 'lobby');
    await waitForText(alice, '#members', '1');
    const bob = await joinAs('bob', 'lobby');
    await waitForText(bob, '#members', '2');
    await waitForText(alice, '#members', '2');
    await waitForLine(alice, 'system', 'bob has joined the room');

    const hostile = 'hello bob <img src=x onerror="window.pwned = 1">';
    await alice.fill('#message', hostile);
    await alice.press('#message', 'Enter');
    await waitForLine(bob, 'message', 'hello bob');
    expect(await bob.locator('#messages li.message').last().textContent()).toBe(`alice: ${hostile}`);
    // User text is shown as text, never parsed as HTML.
    expect(await bob.locator('#messages img').count()).toBe(0);
    expect(await bob.evaluate('window.pwned')).toBeUndefined();
    await waitForLine(alice, 'message', 'hello bob');

    await bob.click('#leave');
    await waitForLine(alice, 'system', 'bob has left the room');
    await waitForText(alice, '#members', '1');
  }, 60_000);
});
