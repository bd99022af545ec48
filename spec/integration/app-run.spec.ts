import { ProAPI } from '../../index';
import { createTestClient } from '../../testing';
import { captureLogger } from '../helpers/capture-logger';

describe('app.run()', () => {
  it('with fast: true says fast mode is not available yet, and serves on one core', async () => {
    const logger = captureLogger();
    const app = new ProAPI({ logger });
    app.websocket('/ws', async (ws) => {
      await ws.accept();
      await ws.sendText('up');
    });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const port = await app.run({ port: 0, host: '127.0.0.1', fast: true });
      expect(log).toHaveBeenCalledWith(`listening on ws://127.0.0.1:${port}`);
      expect(logger.entries.some((e) => e.level === 'warn' && /fast mode .* not available yet/.test(e.message))).toBe(true);
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
});
