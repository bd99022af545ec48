import type { TestConnection } from '../../testing';
import { startPairServer, type PairServer } from '../helpers/pairs';

describe('one room with 1,000 clients', () => {
  let server: PairServer;
  afterAll(() => server.app.close());

  it('delivers 100 broadcasts to every member, all of them, in order', async () => {
    server = await startPairServer();
    const pairs = await server.openPairs(1000);
    for (const { conn } of pairs) await conn.joinRoom('stadium');
    expect(await server.app.getRoomSize('stadium')).toBe(1000);

    const announcer = pairs[0].conn;
    for (let seq = 0; seq < 100; seq++) {
      // Both paths: the app's push and a member's broadcast to all (itself included).
      if (seq % 2 === 0) server.app.broadcastJson('stadium', { seq });
      else await announcer.broadcastJsonToAll('stadium', { seq });
    }

    const expected = Array.from({ length: 100 }, (_, seq) => ({ seq }));
    const received = await Promise.all(pairs.map(({ client }) => nextJsonMessages(client, 100)));
    received.forEach((messages) => expect(messages).toEqual(expected));
  });
});

async function nextJsonMessages(client: TestConnection, count: number): Promise<unknown[]> {
  const messages: unknown[] = [];
  while (messages.length < count) messages.push(await client.receiveJson());
  return messages;
}

