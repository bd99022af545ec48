import { silentLogger } from '../../index';
import { createApp } from '../../samples/chat';
import { createTestClient, type TestClient, type TestConnection } from '../../testing';
import { httpGet } from '../helpers/http';

describe('samples/chat', () => {
  let client: TestClient;
  beforeEach(async () => {
    client = await createTestClient(createApp({ logger: silentLogger }));
  });
  afterEach(() => client.close());

  function join(room: string, username?: string): Promise<TestConnection> {
    const query = username === undefined ? '' : `?username=${encodeURIComponent(username)}`;
    return client.connect(`/chat/${encodeURIComponent(room)}${query}`);
  }

  it('serves the chat page at /, and proapi/client, which it imports', async () => {
    const page = await httpGet(`http://127.0.0.1:${client.port}/`);
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.body).toContain("import { createClient, ServerError } from '/proapi-client/index.js';");
    const module = await httpGet(`http://127.0.0.1:${client.port}/proapi-client/index.js`);
    expect(module.status).toBe(200);
    expect(module.contentType).toBe('text/javascript; charset=utf-8');
    expect(module.body).toContain('export function createClient(');
  });

  it("takes the spec's message, {type: 'message', content}, and relays it with the username the server knows", async () => {
    const alice = await join('kitchen', 'alice');
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, alice', members: 1 });
    const bob = await join('kitchen', '  bob  ');
    expect(await bob.receiveJson()).toEqual({ type: 'system', message: 'Welcome to kitchen, bob', members: 2 });
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'bob has joined the room', members: 2 });
    // Someone in another room hears nothing of it.
    const elsewhere = await join('garden', 'eve');
    expect(await elsewhere.receiveJson()).toMatchObject({ members: 1 });

    bob.sendJson({ type: 'message', content: 'Hello, server!' });
    const relayed = { type: 'message', username: 'bob', content: 'Hello, server!' };
    // The sender's own copy says so: that is how its page marks "(you)".
    expect(await bob.receiveJson()).toEqual({ ...relayed, you: true });
    expect(await alice.receiveJson()).toEqual(relayed);
    // `type` may be left out.
    bob.sendJson({ content: 'hi <b>all</b>' });
    expect(await bob.receiveJson()).toEqual({ ...relayed, content: 'hi <b>all</b>', you: true });
    expect(await alice.receiveJson()).toEqual({ ...relayed, content: 'hi <b>all</b>' });

    elsewhere.sendJson({ content: 'only the garden hears this' });
    expect(await elsewhere.receiveJson()).toMatchObject({ username: 'eve', you: true });
    alice.sendJson({ content: 'bye' });
    expect(await alice.receiveJson()).toMatchObject({ username: 'alice', content: 'bye' });
  });

  it('owns type and username: a client claiming either is answered alone and relayed to no one', async () => {
    const alice = await join('owned', 'alice');
    const mallory = await join('owned', 'mallory');
    await alice.receiveJson(); // welcome
    await alice.receiveJson(); // mallory joined
    await mallory.receiveJson(); // welcome

    mallory.sendJson({ type: 'system', message: 'I am the server', members: 9999 });
    expect(await mallory.receiveJson()).toEqual({ type: 'error', error: 'unknown_type', message: 'no handler for message type "system"' });
    mallory.sendJson({ content: 'hi', username: 'alice' });
    expect(await mallory.receiveJson()).toEqual({
      type: 'error',
      error: 'validation',
      message: 'invalid "message" message: property username should not exist',
      details: [{ property: 'username', constraints: { whitelistValidation: 'property username should not exist' } }],
    });
    mallory.sendJson({ message: 'the old shape' });
    expect(await mallory.receiveJson()).toMatchObject({ error: 'validation', details: [{ property: 'message' }, { property: 'content' }] });
    for (const content of ['', 'x'.repeat(2001)]) {
      mallory.sendJson({ content });
      expect(await mallory.receiveJson()).toMatchObject({
        error: 'validation',
        details: [{ property: 'content', constraints: { isLength: 'content must have 1 to 2000 characters' } }],
      });
    }
    mallory.sendJson({ content: ' \t\n\u3000 ' });
    expect(await mallory.receiveJson()).toMatchObject({ details: [{ property: 'content', constraints: { matches: 'content must not be blank' } }] });
    mallory.sendText('[1, 2]');
    expect(await mallory.receiveJson()).toMatchObject({ type: 'error', error: 'unknown_type', message: expect.stringMatching(/JSON object/) });

    // Nothing of the above reached alice: her next message is the one sent after it all.
    mallory.sendJson({ content: 'a real one' });
    expect(await alice.receiveJson()).toEqual({ type: 'message', username: 'mallory', content: 'a real one' });
  });

  it('announces leaves with the member count, and names the nameless Anonymous', async () => {
    const alice = await join('hall', 'alice');
    await alice.receiveJson();
    const anonymous = await join('hall');
    expect(await anonymous.receiveJson()).toEqual({ type: 'system', message: 'Welcome to hall, Anonymous', members: 2 });
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'Anonymous has joined the room', members: 2 });
    await anonymous.close();
    expect(await alice.receiveJson()).toEqual({ type: 'system', message: 'Anonymous has left the room', members: 1 });
  });

  it('refuses a room name it cannot use before the upgrade: HTTP 400 with a short reason', async () => {
    await expect(join('bad\u0001room', 'mallory')).rejects.toMatchObject({
      status: 400,
      body: 'invalid room name: control characters and unpaired surrogates are not allowed',
    });
    await expect(join('r'.repeat(257), 'mallory')).rejects.toMatchObject({ status: 400, body: 'invalid room name: longer than 256 bytes of UTF-8' });
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
      await conn.close();
    }
  });
});
