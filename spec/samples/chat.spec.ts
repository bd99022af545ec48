import { silentLogger, type ProAPI } from '../../index';
import { createApp } from '../../samples/chat';
import { createTestClient, type TestClient, type TestConnection } from '../../testing';
import { httpGet } from '../helpers/http';
import { freePort, startSample, stopProcess } from '../helpers/process';

describe('samples/chat', () => {
  let app: ProAPI;
  let client: TestClient;
  let base: string;
  beforeAll(async () => {
    app = createApp({ logger: silentLogger });
    client = await createTestClient(app);
    base = `127.0.0.1:${client.port}`;
  });
  afterAll(() => client.close()); // and the app, which it started

  async function join(room: string, username?: string): Promise<TestConnection> {
    const query = username === undefined ? '' : `?username=${encodeURIComponent(username)}`;
    return client.connect(`/chat/${encodeURIComponent(room)}${query}`);
  }

  it('serves the chat page at /', async () => {
    const page = await httpGet(`http://${base}/`);
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('new WebSocket(');
  });

  it('announces joins and leaves with the member count, and relays messages with the sender name', async () => {
    const alice = await join('kitchen', 'alice');
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, alice', members: 1 });

    const bob = await join('kitchen', '  bob  ');
    expect(await bob.receiveJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, bob', members: 2 });
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'bob has joined the room', members: 2 });

    // Someone in another room hears nothing of it.
    const elsewhere = await join('garden', 'eve');
    expect(await elsewhere.receiveJson()).toMatchObject({ members: 1 });

    // The server sets type and username: nobody can post as someone else or as "system".
    bob.sendJson({ message: 'hi <b>all</b>' });
    const relayed = { type: 'message', username: 'bob', message: 'hi <b>all</b>' };
    expect(await bob.receiveJson()).toEqual(relayed);
    expect(await alice.receiveJson()).toEqual(relayed);
    bob.sendJson({ type: 'message', message: 'typed' });
    expect(await bob.receiveJson()).toEqual({ ...relayed, message: 'typed' });
    expect(await alice.receiveJson()).toEqual({ ...relayed, message: 'typed' });

    // What the DTO does not allow is answered to the sender only, and the connection stays.
    bob.sendJson({ type: 'system', message: 'I am the server' });
    expect(await bob.receiveJson()).toEqual({
      type: 'error',
      error: 'unknown_type',
      message: 'no handler for message type "system"',
    });
    bob.sendJson({ message: 'hi', username: 'alice' });
    expect(await bob.receiveJson()).toEqual({
      type: 'error',
      error: 'validation',
      message: 'invalid "message" message: property username should not exist',
      details: [{ property: 'username', constraints: { whitelistValidation: 'property username should not exist' } }],
    });
    for (const message of ['', 'x'.repeat(2001)]) {
      bob.sendJson({ message });
      expect(await bob.receiveJson()).toMatchObject({
        error: 'validation',
        details: [{ property: 'message', constraints: { isLength: 'message must have 1 to 2000 characters' } }],
      });
    }
    bob.sendJson({ message: ' \t\n\u3000 ' });
    expect(await bob.receiveJson()).toMatchObject({
      error: 'validation',
      details: [{ property: 'message', constraints: { matches: 'message must not be blank' } }],
    });
    bob.sendText('[1, 2]');
    expect(await bob.receiveJson()).toMatchObject({ type: 'error', error: 'unknown_type', message: expect.stringMatching(/JSON object/) });

    await bob.terminate();
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'bob has left the room', members: 1 });

    const anonymous = await join('kitchen');
    expect(await anonymous.receiveJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, Anonymous', members: 2 });
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'Anonymous has joined the room', members: 2 });
    await anonymous.close(1000);
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'Anonymous has left the room', members: 1 });

    elsewhere.sendJson({ message: 'only the garden hears this' });
    expect(await elsewhere.receiveJson()).toMatchObject({ username: 'eve' });
    alice.sendJson({ message: 'bye' });
    expect(await alice.receiveJson()).toMatchObject({ username: 'alice', message: 'bye' });
    expect(alice.queuedMessages).toEqual([]);
    await alice.close();
    await elsewhere.close();
  });

  it('refuses a room name it cannot use before the upgrade: HTTP 400 with a short reason', async () => {
    const refusal = (room: string) => join(room, 'mallory').then(() => 'upgraded', (error: unknown) => error);
    expect(await refusal('bad\u0001room')).toMatchObject({
      status: 400,
      body: 'invalid room name: control characters and unpaired surrogates are not allowed',
    });
    expect(await refusal('r'.repeat(257))).toMatchObject({ status: 400, body: 'invalid room name: longer than 256 bytes of UTF-8' });
    expect(await app.getRooms()).toEqual([]);
  });

  it('shows names on one line, without hidden characters, at most 40 characters long', async () => {
    const names: [string, string][] = [
      ['\u202Eevil\u0000\t\n  name\u200B ', 'evil name'], // bidi override, NUL, zero-width space
      ['a\u2028b\u00A0\u00A0c', 'a b c'], // line separator, no-break spaces
      ['\u200B\u200D \u0007 ', 'Anonymous'], // nothing visible left
      ['n'.repeat(39) + ' tail', 'n'.repeat(39)], // cut at 40, trailing space dropped
      ['🎉'.repeat(50), '🎉'.repeat(40)], // counted in characters, never a broken surrogate pair
    ];
    for (const [given, shown] of names) {
      const conn = await join('names', given);
      expect(await conn.receiveJson()).toMatchObject({ message: `Welcome to names, ${shown}` });
      expect((await conn.close()).code).toBe(1000);
    }
  });

  it('is what `npm start` runs: the page and the chat from one process', async () => {
    const port = await freePort();
    const { child } = await startSample('chat', port); // npm start = npm run sample -- chat
    try {
      expect((await httpGet(`http://127.0.0.1:${port}/`)).body).toContain('<title>ProAPI chat</title>');
      const sampleClient = await createTestClient(`ws://127.0.0.1:${port}`);
      const conn = await sampleClient.connect('/chat/lobby?username=zoe');
      expect(await conn.receiveJson()).toEqual({ type: 'system', message: 'Welcome to lobby, zoe', members: 1 });
      await sampleClient.close();
    } finally {
      await stopProcess(child);
    }
  });
});
