import { brokerConformance } from './broker-conformance';
import { clusterBehaviour } from './cluster-behaviour';
import { startNodes, type NodeProcess } from './node-process';

const url = process.env.PROAPI_NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `spec-${process.pid}-${Date.now()}`;
// Both clusters start at once: a node process takes seconds to boot on a busy machine.
const clusters = [startNodes(2, 'nats', url, `${prefix}-a`), startNodes(3, 'nats', url, `${prefix}-b`)];
for (const cluster of clusters) cluster.catch(() => undefined); // reported by the suite that awaits it

const stopAll = (nodes: NodeProcess[]): Promise<void> => Promise.all(nodes.map((n) => n.kill('SIGTERM'))).then(() => undefined);

brokerConformance(
  'NatsBroker (2 node processes)',
  async () => {
    const nodes = await clusters[0];
    return { urls: nodes.map((n) => n.url), stop: () => stopAll(nodes) };
  },
  { joinPairs: 1000, sizeSettleMs: 2_000 },
);

clusterBehaviour('NatsBroker', () => clusters[1]);
