import { chromium, type Browser, type Page } from 'playwright-core';
import { silentLogger, type ProAPI, type WebSocketConnection } from '../../index';
import { createApp as createChat } from '../../samples/chat';
import { createApp as createSecureChat } from '../../samples/secure-chat';

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
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  }, 60_000);
  afterAll(() => browser?.close());

  /** Serves `app` for the specs of one describe block; returns the page's URL. */
  function serve(createApp: typeof createChat): () => string {
    let app: ProAPI;
    let url = '';
    beforeAll(async () => {
      app = createApp({ logger: silentLogger });
      url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}/`;
    });
    afterAll(() => app?.close());
    return () => url;
  }

  /** Opens the page in its own browser context (like a separate window) and joins `room`. */
  async function join(url: string, fields: { name?: string; room: string; token?: string }, status = 'connected'): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    if (fields.name !== undefined) await page.fill('#name', fields.name);
    await page.fill('#room', fields.room);
    if (fields.token !== undefined) await page.fill('#token', fields.token);
    await page.click('#join');
    await waitForText(page, '#status', status);
    return page;
  }

  function waitForText(page: Page, selector: string, text: string): Promise<void> {
    const exactly = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return page.locator(selector).filter({ hasText: exactly }).waitFor({ timeout: WAIT_MS });
  }

  function waitForLine(page: Page, kind: 'message' | 'system' | 'error', text: string): Promise<void> {
    return page.locator(`#messages li.${kind}`).filter({ hasText: text }).waitFor({ timeout: WAIT_MS });
  }

  describe('against samples/chat.ts', () => {
    const url = serve(createChat);

    it('shows members and carries a message from one tab to the other, as text', async () => {
      const alice = await join(url(), { name: 'alice', room: 'lobby' });
      await waitForText(alice, '#members', '1');
      const bob = await join(url(), { name: 'bob', room: 'lobby' });
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

    it('shows a hostile username as text in every line of both tabs, the join line included', async () => {
      const hostile = '<img src=x onerror=window.pwned=1>';
      const carol = await join(url(), { name: 'carol', room: 'xss' });
      const mallory = await join(url(), { name: hostile, room: 'xss' });
      await waitForLine(carol, 'system', `${hostile} has joined the room`);
      await mallory.fill('#message', 'hi');
      await mallory.press('#message', 'Enter');
      await waitForLine(carol, 'message', 'hi');
      expect(await carol.locator('#messages li.message bdi').last().textContent()).toBe(hostile);
      await waitForLine(mallory, 'message', 'hi');
      await waitForLine(mallory, 'system', `Welcome to xss, ${hostile}`);
      for (const page of [carol, mallory]) {
        expect(await page.locator('img').count()).toBe(0);
        expect(await page.evaluate('window.pwned')).toBeUndefined();
      }
    }, 60_000);

    it('marks the lines a tab sent itself, so two tabs with one name can be told apart', async () => {
      const first = await join(url(), { name: 'sam', room: 'twins' });
      const second = await join(url(), { name: 'sam', room: 'twins' });
      await waitForText(first, '#members', '2');
      for (const [page, text] of [[first, 'from the first tab'], [second, 'from the second tab']] as const) {
        await page.fill('#message', text);
        await page.press('#message', 'Enter');
        await waitForLine(first, 'message', text);
        await waitForLine(second, 'message', text);
      }
      const lines = (page: Page) => page.locator('#messages li.message').allTextContents();
      expect(await lines(first)).toEqual(['sam (you): from the first tab', 'sam: from the second tab']);
      expect(await lines(second)).toEqual(['sam: from the first tab', 'sam (you): from the second tab']);
    }, 60_000);

    it('refuses an empty room and the names "." and ".." with a visible message', async () => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(url());
      for (const [room, message] of [
        ['   ', 'Enter a room name.'],
        ['..', 'A room cannot be called "." or "..".'],
        [' . ', 'A room cannot be called "." or "..".'],
      ]) {
        await page.fill('#room', room);
        await page.click('#join');
        await waitForText(page, '#join-error', message);
        expect(await page.locator('#chat').isHidden()).toBe(true);
      }
      await page.fill('#room', '.hidden');
      await page.click('#join');
      await waitForText(page, '#status', 'connected');
      await waitForText(page, '#room-name', '.hidden');
      expect(await page.locator('#join-error').isHidden()).toBe(true);
    }, 60_000);
  });

  describe('when the server goes away', () => {
    it('blanks the member count, disables Send, says why, and reconnects once it is back', async () => {
      // A maintenance switch: closes open chats with 1001 and refuses new ones until switched off.
      const open = new Set<WebSocketConnection>();
      let down = false;
      const app = createChat({ logger: silentLogger }).use(async function maintenance(ws, next) {
        if (down) return ws.deny(503, 'down for maintenance');
        open.add(ws);
        void ws.waitForClose().then(() => open.delete(ws));
        return next();
      });
      const port = await app.listen(0, '127.0.0.1');
      try {
        const page = await join(`http://127.0.0.1:${port}/`, { name: 'zoe', room: 'lobby' });
        await waitForText(page, '#members', '1');
        expect(await page.locator('#send').isEnabled()).toBe(true);

        down = true;
        for (const ws of open) await ws.close(1001, 'down for maintenance');
        await waitForLine(page, 'error', 'Disconnected (1001: down for maintenance).');
        await page.locator('#status').filter({ hasText: /reconnecting/ }).waitFor({ timeout: WAIT_MS });
        expect(await page.locator('#members').textContent()).toBe('');
        expect(await page.locator('#presence').isHidden()).toBe(true);
        expect(await page.locator('#send').isDisabled()).toBe(true);

        down = false;
        await waitForText(page, '#status', 'connected');
        await waitForText(page, '#members', '1');
        expect(await page.locator('#send').isEnabled()).toBe(true);
      } finally {
        await app.close();
      }
    }, 60_000);
  });

  describe('against samples/secure-chat.ts, logged in with a token', () => {
    const url = serve(createSecureChat);

    it('chats as the users the tokens name, and says so when a token is wrong', async () => {
      const admin = await join(url(), { room: 'lobby', token: 'secret' });
      // The name field is ignored: the user comes from the token.
      const guest = await join(url(), { name: 'mallory', room: 'lobby', token: 'guest-secret' });
      await waitForLine(admin, 'system', 'guest has joined the room');

      await guest.fill('#message', 'hi admin');
      await guest.press('#message', 'Enter');
      await waitForLine(admin, 'message', 'hi admin');
      expect(await admin.locator('#messages li.message').last().textContent()).toBe('guest: hi admin');
      await waitForLine(guest, 'message', 'hi admin');
      // secure-chat sends no room sizes, so the page shows none.
      expect(await admin.locator('#presence').isHidden()).toBe(true);

      await guest.click('#leave');
      await waitForLine(admin, 'system', 'guest has left the room');

      await join(url(), { room: 'lobby', token: 'wrong' }, 'could not connect (is the token right?)');
    }, 60_000);
  });
});
