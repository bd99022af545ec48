import { createTestClient } from '../../testing';
import { freePort, startSample, stopProcess } from '../helpers/process';

describe('samples start as the README says', () => {
  it('echo: `PORT=<n> npm run sample -- echo` serves the spec\'s Basic Usage', async () => {
    const port = await freePort();
    const { child } = await startSample('echo', port);
    try {
      const client = await createTestClient(`ws://127.0.0.1:${port}`);
      const conn = await client.connect('/ws');
      conn.sendText('hello');
      expect(await conn.receiveText()).toBe('Echo: hello');
      await client.close();
    } finally {
      await stopProcess(child);
    }
  });
});
