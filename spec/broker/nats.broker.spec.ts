import { brokerConformance } from './broker-conformance';
import { clusterBehaviour } from './cluster-behaviour';
import { startNodes, type NodeProcess } from './node-process';

const url = process.env.PROAPI_NATS_URL ?? 'nats://127.0.0.1:4222';
// One cluster of 3 node processes serves both suites (each node boots for seconds on a busy
// machine): the behaviour suite runs first and SIGKILLs node 2; the conformance suite uses 0 and 1.
const cluster = startNodes(3, 'nats', url, `spec-${process.pid}-${Date.now()}`);
cluster.catch(() => undefined); // reported by the suite that awaits it

clusterBehaviour('NatsBroker', () => cluster);

brokerConformance(
  'NatsBroker (2 node processes)',
  async () => {
    const nodes: NodeProcess[] = (await cluster).slice(0, 2);
    return { urls: nodes.map((n) => n.url), stop: async () => void (await Promise.all(nodes.map((n) => n.kill('SIGTERM')))) };
  },
  { joinPairs: 1000, sizeSettleMs: 2_000 },
);
