import { createApp } from '../../samples/secure-chat';
import { createTestClient, type TestClient, type TestConnection } from '../../testing';
import { captureLogger } from '../helpers/capture-logger';

describe("the spec's Advanced Example (samples/secure-chat.ts), driven by two clients", () => {
  const logs = captureLogger();
  const app = createApp({ logger: logs });
  let client: TestClient;

  beforeAll(async () => {
    client = await createTestClient(app);
  });
  afterAll(() => client.close()); // and the app, which it started

  it('refuses a connection without a valid token with HTTP 401', async () => {
    await expect(client.connect('/chat/lobby')).rejects.toMatchObject({ status: 401, body: 'authentication required' });
    await expect(client.connect('/chat/lobby?token=wrong')).rejects.toMatchObject({ status: 401, body: 'authentication required' });
  });

  it('announces joins and leaves, and relays messages with the username to everyone in the room', async () => {
    const admin = await client.connect('/chat/lobby?token=secret');
    // Once admin's own message comes back, admin is in the room.
    admin.sendJson({ type: 'message', content: 'anyone?' });
    expect(await admin.receiveJson()).toEqual({ type: 'message', content: 'anyone?', username: 'admin' });

    // A browser cannot set headers: the guest logs in through the subprotocols.
    const guest = await client.connect('/chat/lobby', { protocols: ['bearer', 'guest-secret'] });
    expect(guest.protocol).toBe('bearer');
    expect(await admin.receiveJson()).toEqual({ type: 'system', message: 'guest has joined the room' });

    guest.sendJson({ type: 'message', content: 'hello' });
    const relayed = { type: 'message', content: 'hello', username: 'guest' };
    expect(await guest.receiveJson()).toEqual(relayed);
    expect(await admin.receiveJson()).toEqual(relayed);

    // Another room hears nothing of it.
    const elsewhere = await client.connect('/chat/other?token=secret');
    guest.sendText('[1, 2]');
    expect(await guest.receiveJson()).toMatchObject({ type: 'error' });

    await guest.close(1000);
    expect(await admin.receiveJson()).toEqual({ type: 'system', message: 'guest has left the room' });
    await expectNothingQueued(elsewhere);
    await admin.close();
    await elsewhere.close();
  });

  it("counts the connection's room broadcasts in the disconnect line's messagesOut, once each", async () => {
    const conn = await client.connect('/chat/counted?token=secret', { headers: { 'X-Request-Id': 'counted' } });
    conn.sendJson({ type: 'message', content: 'hi' });
    const relayed = await conn.receiveJson();
    await conn.close();
    const disconnect = await logs.waitFor((e) => e.fields.event === 'disconnect' && e.fields.requestId === 'counted', 'the disconnect line');
    // Joined (heard by nobody else), the relay (heard by the sender), left (after the close): each one publish.
    const published = [{ type: 'system', message: 'admin has joined the room' }, relayed, { type: 'system', message: 'admin has left the room' }];
    expect(disconnect.fields).toMatchObject({
      messagesIn: 1,
      messagesOut: 3,
      bytesOut: published.reduce((sum: number, data) => sum + Buffer.byteLength(JSON.stringify(data)), 0),
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
    expect(app.routes).toEqual([
      { path: '/chat/:room', gateway: '(function)', handler: 'secureChat', middlewares: ['LoggingMiddleware', 'AuthMiddleware'] },
    ]);
  });
});

/** Nothing arrived: checked after a round trip on the same socket, so anything sent before it would be here. */
async function expectNothingQueued(client: TestConnection): Promise<void> {
  client.sendJson({ type: 'ping' });
  expect(await client.receiveJson()).toEqual({ type: 'ping', username: 'admin' });
}
