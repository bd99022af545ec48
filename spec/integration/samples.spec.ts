import { connect } from '../helpers/client';
import { freePort, startSample, stopProcess } from '../helpers/process';

describe('samples start as the README says', () => {
  it('echo: `PORT=<n> npm run sample -- echo` serves the spec\'s Basic Usage', async () => {
    const port = await freePort();
    const { child } = await startSample('echo', port);
    try {
      const client = await connect(`ws://127.0.0.1:${port}/ws`);
      client.send('hello');
      expect(await client.nextText()).toBe('Echo: hello');
      client.close();
    } finally {
      await stopProcess(child);
    }
  });
});
