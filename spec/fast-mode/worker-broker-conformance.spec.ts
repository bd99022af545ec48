import { brokerConformance } from '../broker/broker-conformance';
import { BOOT_TIMEOUT_MS, startFixture } from './fast-process';

// Booting the app (ts-node in three threads) takes most of a minute on a busy two-core machine.
jest.setTimeout(BOOT_TIMEOUT_MS);

/*
 * The worker broker, as fast mode uses it: two worker threads behind one port, so the kernel
 * spreads the members over both. A terminated client's close reaches its worker a moment after
 * the client sees its socket gone, so room sizes get that moment to settle; everything else
 * holds at once.
 */
brokerConformance(
  'WorkerBroker (fast mode, 2 worker threads)',
  async () => {
    const app = await startFixture({ WORKERS: '2', PROAPI_LOG_LEVEL: 'warn' });
    return { urls: [app.url], stop: async () => void (await app.stop()) };
  },
  { joinPairs: 1000, sizeSettleMs: 2000, places: 2 },
);
