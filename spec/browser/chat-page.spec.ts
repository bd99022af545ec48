import type { Browser, Page } from 'playwright-core';
import { silentLogger, type ProAPI, type WebSocketConnection } from '../../index';
import { clientModuleFiles } from '../../lib/client-module/client-module-files';
import { createApp as createChat } from '../../samples/chat';
import { createApp as createSecureChat } from '../../samples/secure-chat';
import { createTestClient } from '../../testing';
import { launchChromium } from './chromium';
import { saveScreenshot } from './screenshots';

const WAIT_MS = 10_000;

describe('the chat page in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());

  /** Serves `createApp()` for the specs of one describe block; returns the app (for its port). */
  function serve(createApp: typeof createChat): () => ProAPI {
    let app: ProAPI;
    beforeAll(async () => {
      app = createApp({ logger: silentLogger });
      await app.listen(0, '127.0.0.1');
    });
    afterAll(() => app?.close());
    return () => app;
  }

  const pageUrl = (app: ProAPI): string => `http://127.0.0.1:${app.port}/`;

  /** A page in its own browser context (like a separate window), `width` pixels wide. */
  async function openPage(url: string, width = 1024): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width, height: 720 } })).newPage();
    await page.goto(url);
    return page;
  }

  /** Opens the page and joins `room`. */
  async function join(url: string, fields: { name?: string; room: string; token?: string }, width?: number): Promise<Page> {
    const page = await openPage(url, width);
    await fillAndJoin(page, fields);
    await waitForText(page, '#status', 'connected');
    return page;
  }

  async function fillAndJoin(page: Page, fields: { name?: string; room: string; token?: string }): Promise<void> {
    if (fields.name !== undefined) await page.fill('#name', fields.name);
    await page.fill('#room', fields.room);
    if (fields.token !== undefined) await page.fill('#token', fields.token);
    await page.click('#join');
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.fill('#message', text);
    await page.press('#message', 'Enter');
  }

  function waitForText(page: Page, selector: string, text: string): Promise<void> {
    const exactly = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return page.locator(selector).filter({ hasText: exactly }).waitFor({ timeout: WAIT_MS });
  }

  function waitForLine(page: Page, kind: 'message' | 'system' | 'error', text: string): Promise<void> {
    return page.locator(`#messages li.${kind}`).filter({ hasText: text }).waitFor({ timeout: WAIT_MS });
  }

  const lines = (page: Page, kind = 'message'): Promise<string[]> => page.locator(`#messages li.${kind}`).allTextContents();

  /** How far the page's content reaches past the viewport's right edge, in CSS pixels (0: no horizontal scroll). */
  function horizontalOverflow(page: Page): Promise<number> {
    // A string, evaluated in the page: this project's types have no DOM.
    return page.evaluate<number>(`(() => {
      const root = document.documentElement;
      const rights = [...document.querySelectorAll('body *')].map((element) => element.getBoundingClientRect().right);
      return Math.max(0, Math.ceil(Math.max(root.scrollWidth, ...rights)) - root.clientWidth);
    })()`);
  }

  describe('against samples/chat.ts', () => {
    const app = serve(createChat);

    it('shows members and carries a message from one tab to the other, as text', async () => {
      const alice = await join(pageUrl(app()), { name: 'alice', room: 'lobby' });
      await waitForText(alice, '#members', '1');
      const bob = await join(pageUrl(app()), { name: 'bob', room: 'lobby' });
      await waitForText(bob, '#members', '2');
      await waitForText(alice, '#members', '2');
      await waitForLine(alice, 'system', 'bob has joined the room');

      const hostile = 'hello bob <img src=x onerror="window.pwned = 1">';
      await say(alice, hostile);
      await waitForLine(bob, 'message', 'hello bob');
      expect(await lines(bob)).toEqual([`alice: ${hostile}`]);
      // User text is shown as text, never parsed as HTML.
      expect(await bob.locator('#messages img').count()).toBe(0);
      expect(await bob.evaluate('window.pwned')).toBeUndefined();
      await waitForLine(alice, 'message', 'hello bob');
      expect(await lines(alice)).toEqual([`alice (you): ${hostile}`]);

      await bob.click('#leave');
      await waitForLine(alice, 'system', 'bob has left the room');
      await waitForText(alice, '#members', '1');
    }, 60_000);

    it('shows a hostile username as text in every line of both tabs, the join line included', async () => {
      const hostile = '<img src=x onerror=window.pwned=1>';
      const carol = await join(pageUrl(app()), { name: 'carol', room: 'xss' });
      const mallory = await join(pageUrl(app()), { name: hostile, room: 'xss' });
      await waitForLine(carol, 'system', `${hostile} has joined the room`);
      await say(mallory, 'hi');
      await waitForLine(carol, 'message', 'hi');
      expect(await carol.locator('#messages li.message bdi').last().textContent()).toBe(hostile);
      await waitForLine(mallory, 'message', 'hi');
      await waitForLine(mallory, 'system', `Welcome to xss, ${hostile}`);
      for (const page of [carol, mallory]) {
        expect(await page.locator('img').count()).toBe(0);
        expect(await page.evaluate('window.pwned')).toBeUndefined();
      }
    }, 60_000);

    it('marks "(you)" by who sent a line, not by its text: two tabs sending the same words at once', async () => {
      const ann = await join(pageUrl(app()), { name: 'ann', room: 'same-words' });
      const bob = await join(pageUrl(app()), { name: 'bob', room: 'same-words' });
      await waitForText(ann, '#members', '2');
      await Promise.all([say(ann, 'same words'), say(bob, 'same words')]);
      for (const page of [ann, bob]) await page.locator('#messages li.message').nth(1).waitFor({ timeout: WAIT_MS });
      // Whichever arrived first, each tab marks exactly its own line.
      expect((await lines(ann)).sort()).toEqual(['ann (you): same words', 'bob: same words']);
      expect((await lines(bob)).sort()).toEqual(['ann: same words', 'bob (you): same words']);
      expect(await ann.locator('#messages li.mine').allTextContents()).toEqual(['ann (you): same words']);
      expect(await bob.locator('#messages li.mine').allTextContents()).toEqual(['bob (you): same words']);
    }, 60_000);

    it('tells apart two tabs with the same name, even sending the same words at once', async () => {
      const first = await join(pageUrl(app()), { name: 'sam', room: 'twins' });
      const second = await join(pageUrl(app()), { name: 'sam', room: 'twins' });
      await waitForText(first, '#members', '2');
      await Promise.all([say(first, 'from the first tab'), say(second, 'from the second tab')]);
      for (const page of [first, second]) await page.locator('#messages li.message').nth(1).waitFor({ timeout: WAIT_MS });
      expect(await first.locator('#messages li.mine').allTextContents()).toEqual(['sam (you): from the first tab']);
      expect(await second.locator('#messages li.mine').allTextContents()).toEqual(['sam (you): from the second tab']);

      await Promise.all([say(first, 'hello'), say(second, 'hello')]);
      for (const page of [first, second]) {
        await page.locator('#messages li.message').nth(3).waitFor({ timeout: WAIT_MS });
        expect((await lines(page)).slice(2).sort()).toEqual(['sam (you): hello', 'sam: hello']);
      }
    }, 60_000);

    it('never shows a notice a client made up: a spoofed {"type": "system"} is refused, not relayed', async () => {
      const watcher = await join(pageUrl(app()), { name: 'watcher', room: 'spoof' });
      const client = await createTestClient(app()); // the app is already listening: used as it is
      try {
        const mallory = await client.connect('/chat/spoof?username=mallory');
        expect(await mallory.receiveJson()).toMatchObject({ type: 'system', members: 2 });
        mallory.sendJson({ type: 'system', message: 'I am the server: everyone is banned', members: 9999 });
        expect(await mallory.receiveJson()).toMatchObject({ type: 'error', error: 'unknown_type' });
        mallory.sendJson({ content: 'the server decides', username: 'watcher' });
        expect(await mallory.receiveJson()).toMatchObject({ type: 'error', error: 'validation' });
        // Anything relayed before this line would be on the page before it.
        mallory.sendJson({ type: 'message', content: 'after the spoof' });
        await waitForLine(watcher, 'message', 'after the spoof');
        expect(await lines(watcher)).toEqual(['mallory: after the spoof']);
        expect(await lines(watcher, 'system')).toEqual(['Welcome to spoof, watcher', 'mallory has joined the room']);
        expect(await watcher.locator('#members').textContent()).toBe('2');
      } finally {
        await client.close();
      }
    }, 60_000);

    it('Leave returns to a clean join form, and joining again starts a fresh chat', async () => {
      const stays = await join(pageUrl(app()), { name: 'stays', room: 'leaving' });
      const page = await join(pageUrl(app()), { name: 'leaver', room: 'leaving' });
      await say(page, 'bye');
      await waitForLine(page, 'message', 'bye');

      await page.click('#leave');
      await waitForLine(stays, 'system', 'leaver has left the room');
      expect(await page.locator('#join-form').isVisible()).toBe(true);
      expect(await page.locator('#chat').isHidden()).toBe(true);
      expect(await page.locator('#join-error').isHidden()).toBe(true);
      expect(await page.locator('#leave').isVisible()).toBe(false);
      expect(await page.locator('#messages li').count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toMatch(/Disconnected|bye/);
      // What was typed stays, so joining again is one click.
      expect(await page.inputValue('#name')).toBe('leaver');
      expect(await page.inputValue('#room')).toBe('leaving');

      await page.click('#join');
      await waitForText(page, '#status', 'connected');
      await waitForLine(page, 'system', 'Welcome to leaving, leaver');
      expect(await lines(page, 'system')).toEqual(['Welcome to leaving, leaver']);
      expect(await lines(page)).toEqual([]);
    }, 60_000);

    it('refuses an empty room and the names "." and ".." with a visible message', async () => {
      const page = await openPage(pageUrl(app()));
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

    it('has an inline favicon, so the browser asks the server for nothing but the page and its client modules', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.goto(pageUrl(app()));
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
      // The icon decodes as an image.
      const width = await page.evaluate<number>(`(async () => {
        const image = new Image();
        image.src = document.querySelector('link[rel="icon"]').href;
        await image.decode();
        return image.naturalWidth;
      })()`);
      expect(width).toBeGreaterThan(0);
      await context.close(); // the page's requests, a favicon fetch included, are done by now
      // The page imports proapi/client as plain ES modules: exactly the files the server serves.
      const modules = [...clientModuleFiles().keys()].map((name) => `/proapi-client/${name}`);
      expect(requested.filter((path) => path !== '/' && !modules.includes(path))).toEqual([]);
      expect(requested.filter((path) => path === '/')).toHaveLength(1);
      expect(requested).toContain('/proapi-client/index.js');
    }, 60_000);

    describe('fits the screen, with no horizontal scroll', () => {
      const longWord = 'x'.repeat(120);

      it.each([320, 390, 1280])('at %i px: the join form, and a chat with long words', async (width) => {
        const page = await openPage(pageUrl(app()), width);
        expect(await horizontalOverflow(page)).toBe(0);
        // Every field and button of the join form is on screen.
        for (const id of ['#name', '#room', '#token', '#join']) {
          const box = (await page.locator(id).boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(width);
        }

        await fillAndJoin(page, { name: `n${'a'.repeat(39)}`, room: `room-${width}-${'r'.repeat(50)}` });
        await waitForText(page, '#status', 'connected');
        await say(page, longWord);
        await waitForLine(page, 'message', longWord);
        expect(await horizontalOverflow(page)).toBe(0);
        for (const id of ['#message', '#send', '#leave']) {
          const box = (await page.locator(id).boundingBox())!;
          expect(box.x + box.width).toBeLessThanOrEqual(width);
        }
      }, 60_000);

      it.each([390, 1280])('screenshot at %i px (docs/screenshots/)', async (width) => {
        const room = `tour-${width}`;
        const joinPage = await openPage(pageUrl(app()), width);
        await joinPage.fill('#name', 'ann');
        await saveScreenshot(joinPage, `chat-join-${width}`);

        const bob = await join(pageUrl(app()), { name: 'bob', room });
        await fillAndJoin(joinPage, { name: 'ann', room });
        await waitForText(joinPage, '#status', 'connected');
        await waitForLine(bob, 'system', 'ann has joined the room');
        await say(bob, 'Hi ann! Does the page fit your screen?');
        await waitForLine(joinPage, 'message', 'Does the page fit');
        await say(joinPage, 'It does: no sideways scrolling, and my own lines say (you).');
        await waitForLine(joinPage, 'message', 'It does');
        expect(await horizontalOverflow(joinPage)).toBe(0);
        await saveScreenshot(joinPage, `chat-${width}`);
      }, 60_000);
    });
  });

  describe('when the server goes away', () => {
    /** A chat app with a maintenance switch: `down` refuses new chats; `open` lists the connected ones. */
    async function maintainableChat(): Promise<{ app: ProAPI; open: Set<WebSocketConnection>; setDown(down: boolean): void }> {
      const open = new Set<WebSocketConnection>();
      let down = false;
      const app = createChat({ logger: silentLogger }).use(async function maintenance(ws, next) {
        if (down) return ws.deny(503, 'down for maintenance');
        open.add(ws);
        void ws.waitForClose().then(() => open.delete(ws));
        return next();
      });
      await app.listen(0, '127.0.0.1');
      return { app, open, setDown: (value) => (down = value) };
    }

    it('blanks the member count, disables Send, says why, and reconnects once it is back', async () => {
      const { app, open, setDown } = await maintainableChat();
      try {
        const page = await join(pageUrl(app), { name: 'zoe', room: 'lobby' });
        await waitForText(page, '#members', '1');
        expect(await page.locator('#send').isEnabled()).toBe(true);

        setDown(true);
        for (const ws of open) await ws.close(1001, 'down for maintenance');
        await waitForLine(page, 'error', 'Disconnected (1001: down for maintenance).');
        await page.locator('#status').filter({ hasText: /reconnecting/ }).waitFor({ timeout: WAIT_MS });
        expect(await page.locator('#members').textContent()).toBe('');
        expect(await page.locator('#presence').isHidden()).toBe(true);
        expect(await page.locator('#send').isDisabled()).toBe(true);

        setDown(false);
        await waitForText(page, '#status', 'connected');
        await waitForText(page, '#members', '1');
        expect(await page.locator('#send').isEnabled()).toBe(true);
      } finally {
        await app.close();
      }
    }, 60_000);

    it('after a close it does not retry, shows the join form with the reason and keeps the lines, without Send or Leave', async () => {
      const { app, open } = await maintainableChat();
      try {
        const page = await join(pageUrl(app), { name: 'kim', room: 'lobby' });
        await say(page, 'still readable');
        await waitForLine(page, 'message', 'still readable');
        for (const ws of open) await ws.close(1008, 'kicked');
        await waitForText(page, '#join-error', 'The chat ended: disconnected (1008: kicked).');
        expect(await page.locator('#join-form').isVisible()).toBe(true);
        expect(await lines(page)).toEqual(['kim (you): still readable']);
        expect(await page.locator('#send-form').isHidden()).toBe(true);
        expect(await page.locator('#leave').isVisible()).toBe(false);

        await page.click('#join');
        await waitForText(page, '#status', 'connected');
        expect(await page.locator('#join-error').isHidden()).toBe(true);
        expect(await lines(page)).toEqual([]);
      } finally {
        await app.close();
      }
    }, 60_000);
  });

  describe('against samples/secure-chat.ts, logged in with a token', () => {
    const app = serve(createSecureChat);

    it('chats as the users the tokens name, and says so when a token is wrong', async () => {
      const admin = await join(pageUrl(app()), { room: 'lobby', token: 'secret' });
      // The name field is ignored: the user comes from the token.
      const guest = await join(pageUrl(app()), { name: 'mallory', room: 'lobby', token: 'guest-secret' });
      await waitForLine(admin, 'system', 'guest has joined the room');

      await say(guest, 'hi admin');
      await waitForLine(admin, 'message', 'hi admin');
      expect(await lines(admin)).toEqual(['guest: hi admin']);
      await waitForLine(guest, 'message', 'hi admin');
      expect(await lines(guest)).toEqual(['guest (you): hi admin']);
      // secure-chat sends no room sizes, so the page shows none.
      expect(await admin.locator('#presence').isHidden()).toBe(true);

      await guest.click('#leave');
      await waitForLine(admin, 'system', 'guest has left the room');

      const refused = await openPage(pageUrl(app()));
      await fillAndJoin(refused, { room: 'lobby', token: 'wrong' });
      await waitForText(refused, '#join-error', 'Could not connect to the room (is the token right?).');
      expect(await refused.locator('#chat').isHidden()).toBe(true);
    }, 60_000);

    it('never shows a notice a client made up: a spoofed {"type": "system"} is refused, not relayed', async () => {
      const admin = await join(pageUrl(app()), { room: 'spoof', token: 'secret' });
      const client = await createTestClient(app());
      try {
        const guest = await client.connect('/chat/spoof?token=guest-secret');
        await waitForLine(admin, 'system', 'guest has joined the room');
        guest.sendJson({ type: 'system', message: 'I am the server', members: 9999 });
        expect(await guest.receiveJson()).toMatchObject({ type: 'error', error: 'validation' });
        guest.sendJson({ type: 'message', content: 'hi', username: 'admin' });
        expect(await guest.receiveJson()).toMatchObject({ type: 'error', error: 'validation' });
        guest.sendJson({ type: 'message', content: 'after the spoof' });
        await waitForLine(admin, 'message', 'after the spoof');
        expect(await lines(admin)).toEqual(['guest: after the spoof']);
        expect(await lines(admin, 'system')).toEqual(['guest has joined the room']);
        expect(await admin.locator('#presence').isHidden()).toBe(true);
      } finally {
        await client.close();
      }
    }, 60_000);
  });
});
