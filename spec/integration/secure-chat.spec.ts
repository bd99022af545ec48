import { createApp } from '../../samples/secure-chat';
import { connect, UpgradeRefused, type TestSocket } from '../helpers/client';
import { captureLogger } from '../helpers/capture-logger';

describe("the spec's Advanced Example (samples/secure-chat.ts), driven by two clients", () => {
  const logs = captureLogger();
  const app = createApp({ logger: logs });
  let url: (path: string) => string;

  beforeAll(async () => {
    const port = await app.listen(0, '127.0.0.1');
    url = (path) => `ws://127.0.0.1:${port}${path}`;
  });
  afterAll(() => app.close());

  it('refuses a connection without a valid token with HTTP 401', async () => {
    await expect(connect(url('/chat/lobby'))).rejects.toEqual(new UpgradeRefused(401, 'authentication required'));
    await expect(connect(url('/chat/lobby?token=wrong'))).rejects.toEqual(new UpgradeRefused(401, 'authentication required'));
  });

  it('announces joins and leaves, and relays messages with the username to everyone in the room', async () => {
    const admin = await connect(url('/chat/lobby?token=secret'));
    // Once admin's own message comes back, admin is in the room.
    admin.send(JSON.stringify({ type: 'message', content: 'anyone?' }));
    expect(await admin.nextJson()).toEqual({ type: 'message', content: 'anyone?', username: 'admin' });

    // A browser cannot set headers: the guest logs in through the subprotocols.
    const guest = await connect(url('/chat/lobby'), { protocols: ['bearer', 'guest-secret'] });
    expect(guest.socket.protocol).toBe('bearer');
    expect(await admin.nextJson()).toEqual({ type: 'system', message: 'guest has joined the room' });

    guest.send(JSON.stringify({ type: 'message', content: 'hello' }));
    const relayed = { type: 'message', content: 'hello', username: 'guest' };
    expect(await guest.nextJson()).toEqual(relayed);
    expect(await admin.nextJson()).toEqual(relayed);

    // Another room hears nothing of it.
    const elsewhere = await connect(url('/chat/other?token=secret'));
    guest.send('[1, 2]');
    expect(await guest.nextJson()).toMatchObject({ type: 'error' });

    guest.close(1000);
    expect(await admin.nextJson()).toEqual({ type: 'system', message: 'guest has left the room' });
    await expectNothingQueued(elsewhere);
    admin.close();
    elsewhere.close();
  });

  it("counts the connection's room broadcasts in the disconnect line's messagesOut, once each", async () => {
    const client = await connect(url('/chat/counted?token=secret'), { headers: { 'X-Request-Id': 'counted' } });
    client.send(JSON.stringify({ type: 'message', content: 'hi' }));
    const relayed = await client.nextJson();
    client.close();
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
    const client = await connect(url('/chat/logged?token=secret'));
    client.close();
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
async function expectNothingQueued(client: TestSocket): Promise<void> {
  client.send(JSON.stringify({ type: 'ping' }));
  expect(await client.nextJson()).toEqual({ type: 'ping', username: 'admin' });
}
