import { silentLogger, type ProAPI } from '../../index';
import { createApp } from '../../samples/chat';
import { connect, type TestSocket } from '../helpers/client';
import { httpGet } from '../helpers/http';
import { freePort, startSample, stopProcess } from '../helpers/process';

describe('samples/chat', () => {
  let app: ProAPI;
  let base: string;
  beforeAll(async () => {
    app = createApp({ logger: silentLogger });
    base = `127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => app.close());

  async function join(room: string, username?: string): Promise<TestSocket> {
    const query = username === undefined ? '' : `?username=${encodeURIComponent(username)}`;
    return connect(`ws://${base}/chat/${encodeURIComponent(room)}${query}`);
  }

  it('serves the chat page at /', async () => {
    const page = await httpGet(`http://${base}/`);
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('new WebSocket(');
  });

  it('announces joins and leaves with the member count, and relays messages with the sender name', async () => {
    const alice = await join('kitchen', 'alice');
    expect(await alice.nextJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, alice', members: 1 });

    const bob = await join('kitchen', '  bob  ');
    expect(await bob.nextJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, bob', members: 2 });
    expect(await alice.nextJson()).toEqual({ type: 'system', message: 'bob has joined the room', members: 2 });

    // Someone in another room hears nothing of it.
    const elsewhere = await join('garden', 'eve');
    expect(await elsewhere.nextJson()).toMatchObject({ members: 1 });

    // The server sets type and username: nobody can post as someone else or as "system".
    bob.send(JSON.stringify({ message: 'hi <b>all</b>' }));
    const relayed = { type: 'message', username: 'bob', message: 'hi <b>all</b>' };
    expect(await bob.nextJson()).toEqual(relayed);
    expect(await alice.nextJson()).toEqual(relayed);
    bob.send(JSON.stringify({ type: 'message', message: 'typed' }));
    expect(await bob.nextJson()).toEqual({ ...relayed, message: 'typed' });
    expect(await alice.nextJson()).toEqual({ ...relayed, message: 'typed' });

    // What the DTO does not allow is answered to the sender only, and the connection stays.
    bob.send(JSON.stringify({ type: 'system', message: 'I am the server' }));
    expect(await bob.nextJson()).toEqual({
      type: 'error',
      error: 'unknown_type',
      message: 'no handler for message type "system"',
    });
    bob.send(JSON.stringify({ message: 'hi', username: 'alice' }));
    expect(await bob.nextJson()).toEqual({
      type: 'error',
      error: 'validation',
      message: 'invalid "message" message: property username should not exist',
      details: [{ property: 'username', constraints: { whitelistValidation: 'property username should not exist' } }],
    });
    for (const message of ['', 'x'.repeat(2001)]) {
      bob.send(JSON.stringify({ message }));
      expect(await bob.nextJson()).toMatchObject({
        error: 'validation',
        details: [{ property: 'message', constraints: { isLength: 'message must have 1 to 2000 characters' } }],
      });
    }
    bob.send(JSON.stringify({ message: ' \t\n\u3000 ' }));
    expect(await bob.nextJson()).toMatchObject({
      error: 'validation',
      details: [{ property: 'message', constraints: { matches: 'message must not be blank' } }],
    });
    bob.send('[1, 2]');
    expect(await bob.nextJson()).toMatchObject({ type: 'error', error: 'unknown_type', message: expect.stringMatching(/JSON object/) });

    bob.socket.terminate();
    expect(await alice.nextJson()).toEqual({ type: 'system', message: 'bob has left the room', members: 1 });

    const anonymous = await join('kitchen');
    expect(await anonymous.nextJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, Anonymous', members: 2 });
    expect(await alice.nextJson()).toEqual({ type: 'system', message: 'Anonymous has joined the room', members: 2 });
    anonymous.close(1000);
    expect(await alice.nextJson()).toEqual({ type: 'system', message: 'Anonymous has left the room', members: 1 });

    elsewhere.send(JSON.stringify({ message: 'only the garden hears this' }));
    expect(await elsewhere.nextJson()).toMatchObject({ username: 'eve' });
    alice.send(JSON.stringify({ message: 'bye' }));
    expect(await alice.nextJson()).toMatchObject({ username: 'alice', message: 'bye' });
    expect(alice.messages).toEqual([]);
    alice.close();
    elsewhere.close();
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
      const client = await join('names', given);
      expect(await client.nextJson()).toMatchObject({ message: `Welcome to names, ${shown}` });
      client.close();
      await client.waitClose();
    }
  });

  it('is what `npm start` runs: the page and the chat from one process', async () => {
    const port = await freePort();
    const { child } = await startSample('chat', port); // npm start = npm run sample -- chat
    try {
      expect((await httpGet(`http://127.0.0.1:${port}/`)).body).toContain('<title>ProAPI chat</title>');
      const client = await connect(`ws://127.0.0.1:${port}/chat/lobby?username=zoe`);
      expect(await client.nextJson()).toEqual({ type: 'system', message: 'Welcome to lobby, zoe', members: 1 });
      client.close();
    } finally {
      await stopProcess(child);
    }
  });
});
