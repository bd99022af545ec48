import { ProAPI, silentLogger } from '../../index';
import { createTestClient } from '../../testing';

describe('app.run()', () => {
  it('listens, prints the URL, and closes gracefully on SIGINT/SIGTERM', async () => {
    const app = new ProAPI({ logger: silentLogger });
    app.websocket('/ws', async (ws) => {
      await ws.accept();
      await ws.sendText('up');
    });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const port = await app.run({ port: 0, host: '127.0.0.1' });
      expect(log).toHaveBeenCalledWith(`listening on ws://127.0.0.1:${port}`);
      const client = await createTestClient(app);
      expect(client.port).toBe(port);
      const conn = await client.connect('/ws');
      expect(await conn.receiveText()).toBe('up');
      expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    } finally {
      log.mockRestore();
      await app.close();
    }
    expect(process.listeners('SIGTERM')).toHaveLength(0);
  });

  // Fast mode itself runs in spec/fast-mode/, in child processes: it re-runs the program's entry file.
  it('with fast: true under jest, refuses with the reason and leaves no signal handler', async () => {
    const app = new ProAPI({ logger: silentLogger });
    await expect(app.run({ port: 0, fast: true, workers: 2 })).rejects.toThrow(/fast mode re-runs the program's entry file in each worker, which under jest is jest itself/);
    await expect(app.run({ port: 0, fast: true, workers: 0 })).rejects.toThrow(RangeError);
    expect(process.listeners('SIGTERM')).toHaveLength(0);
    expect(app.listening).toBe(false);
  });
});
