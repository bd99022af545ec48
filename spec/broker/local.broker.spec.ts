import { LocalBroker } from '../../index';
import { brokerConformance } from './broker-conformance';
import { createApp } from './conformance-app';

brokerConformance('LocalBroker', async () => {
  const app = createApp({ broker: new LocalBroker() });
  const port = await app.listen(0, '127.0.0.1');
  return { urls: [`ws://127.0.0.1:${port}`], stop: () => app.close() };
});
