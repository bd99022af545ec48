import { createApp } from '../../samples/secure-chat';
import { createTestClient, type TestClient, type TestConnection } from '../../testing';
import { captureLogger } from '../helpers/capture-logger';

describe("the spec's Advanced Example (samples/secure-chat.ts), driven by two clients", () => {
  const logs = captureLogger();
  let client: TestClient;
  beforeEach(async () => {
    client = await createTestClient(createApp({ logger: logs }));
  });
  afterEach(() => client.close());

  it('refuses a connection without a valid token with HTTP 401', async () => {
    for (const path of ['/chat/lobby', '/chat/lobby?token=wrong']) {
      await expect(client.connect(path)).rejects.toMatchObject({ status: 401, body: 'authentication required' });
    }
  });

  it('announces joins and leaves, and relays what it validated, with the username, to everyone in the room', async () => {
    const admin = await client.connect('/chat/lobby?token=secret');
    // Once admin's own message comes back, admin is in the room.
    admin.sendJson({ type: 'message', content: 'anyone?' });
    expect(await admin.receiveJson()).toEqual({ type: 'message', username: 'admin', content: 'anyone?', you: true });

    // A browser cannot set headers: the guest logs in through the subprotocols.
    const guest = await client.connect('/chat/lobby', { protocols: ['bearer', 'guest-secret'] });
    expect(guest.protocol).toBe('bearer');
    expect(await admin.receiveJson()).toEqual({ type: 'system', message: 'guest has joined the room' });

    guest.sendJson({ type: 'message', content: 'hello' });
    const relayed = { type: 'message', username: 'guest', content: 'hello' };
    expect(await guest.receiveJson()).toEqual({ ...relayed, you: true });
    expect(await admin.receiveJson()).toEqual(relayed);

    // Another room hears nothing of it.
    const elsewhere = await client.connect('/chat/other?token=secret');
    await guest.close();
    expect(await admin.receiveJson()).toEqual({ type: 'system', message: 'guest has left the room' });
    await expectNothingQueued(elsewhere);
  });

  it('owns type and username: a spoofed notice or name is answered to the sender alone, the connection stays', async () => {
    const admin = await client.connect('/chat/spoof?token=secret');
    const guest = await client.connect('/chat/spoof?token=guest-secret');
    expect(await admin.receiveJson()).toEqual({ type: 'system', message: 'guest has joined the room' });

    guest.sendJson({ type: 'system', members: 9999 });
    expect(await guest.receiveJson()).toEqual({ type: 'error', error: 'validation', message: 'property members should not exist' });
    guest.sendJson({ type: 'message', content: 'hi', username: 'admin' });
    expect(await guest.receiveJson()).toEqual({ type: 'error', error: 'validation', message: 'property username should not exist' });
    guest.sendJson({ type: 'message', content: '   ' });
    expect(await guest.receiveJson()).toEqual({ type: 'error', error: 'validation', message: 'content must not be blank' });
    guest.sendText('[1, 2]');
    expect(await guest.receiveJson()).toMatchObject({ type: 'error', error: 'validation' });
    guest.sendText('not json');
    expect(await guest.receiveJson()).toMatchObject({ type: 'error', error: 'invalid_json' });

    guest.sendJson({ type: 'message', content: 'a real one' });
    // Nothing of the above reached admin: the next thing admin hears is this.
    expect(await admin.receiveJson()).toEqual({ type: 'message', username: 'guest', content: 'a real one' });
  });

  it("counts the connection's room broadcasts in the disconnect line's messagesOut, once each", async () => {
    const conn = await client.connect('/chat/counted?token=secret', { headers: { 'X-Request-Id': 'counted' } });
    conn.sendJson({ type: 'message', content: 'hi' });
    const ownCopy = await conn.receiveJson();
    await conn.close();
    const disconnect = await logs.waitFor((e) => e.fields.event === 'disconnect' && e.fields.requestId === 'counted', 'the disconnect line');
    // Joined, the relay to the others, the sender's own copy, left: one publish or send each.
    const sent = [
      { type: 'system', message: 'admin has joined the room' },
      { type: 'message', username: 'admin', content: 'hi' },
      ownCopy,
      { type: 'system', message: 'admin has left the room' },
    ];
    expect(disconnect.fields).toMatchObject({
      messagesIn: 1,
      messagesOut: 4,
      bytesOut: sent.reduce((sum: number, data) => sum + Buffer.byteLength(JSON.stringify(data)), 0),
    });
  });

  it('logs every connection through the global LoggingMiddleware, token redacted', async () => {
    const conn = await client.connect('/chat/logged?token=secret');
    await conn.close();
    const disconnect = await logs.waitFor(
      (e) => e.fields.event === 'disconnect' && e.fields.path === '/chat/logged',
      'the disconnect line',
    );
    const connectLine = logs.entries.find((e) => e.fields.event === 'connect' && e.fields.requestId === disconnect.fields.requestId);
    expect(connectLine?.fields.query).toEqual({ token: '[REDACTED]' });
    expect(JSON.stringify(logs.entries)).not.toContain('guest-secret');
  });

  it('lists its one WebSocket route with the middleware chain', () => {
    expect(createApp({ logger: logs }).routes).toEqual([
      { path: '/chat/:room', gateway: '(function)', handler: 'secureChat', middlewares: ['LoggingMiddleware', 'AuthMiddleware'] },
    ]);
  });
});

/** Nothing arrived: checked after a round trip on the same socket, so anything sent before it would be here. */
async function expectNothingQueued(conn: TestConnection): Promise<void> {
  conn.sendJson({ type: 'message', content: 'ping' });
  expect(await conn.receiveJson()).toEqual({ type: 'message', username: 'admin', content: 'ping', you: true });
}
