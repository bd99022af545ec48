import type { ScenarioId } from './config';
import type { ScenarioResult } from './harness/results';

/**
 * The targets. `max-ratio`: server median / `against` median must be at most `limit`.
 * `min-advantage`: `against` median / server median must be at least `limit` (ProAPI cheaper).
 */
export interface TargetSpec {
  readonly name: string;
  readonly scenario: ScenarioId;
  readonly server: string;
  readonly against: string;
  readonly kind: 'max-ratio' | 'min-advantage';
  readonly limit: number;
}

export interface TargetCheck extends TargetSpec {
  readonly measured: number | null;
  readonly pass: boolean | null;
  readonly why?: string;
}

const loopServers = ['proapi-function', 'proapi-gateway'];

export const TARGETS: readonly TargetSpec[] = [
  ...loopServers.map((server) => ({
    name: 'Loop-style echo ≤ 1.25× raw uWS',
    scenario: 'echo' as const,
    server,
    against: 'uws',
    kind: 'max-ratio' as const,
    limit: 1.25,
  })),
  {
    name: '@OnMessage JSON echo with validation ≤ 2× raw uWS JSON.parse+stringify',
    scenario: 'json',
    server: 'proapi-on-message',
    against: 'uws',
    kind: 'max-ratio',
    limit: 2,
  },
  ...loopServers.map((server) => ({
    name: 'Fan-out broadcastToAll ≤ 1.10× raw uWS app.publish, per delivery',
    scenario: 'fanout' as const,
    server,
    against: 'uws',
    kind: 'max-ratio' as const,
    limit: 1.1,
  })),
  {
    name: 'Idle @OnMessage connection ≤ 2× raw uWS RSS (no suspended function per connection)',
    scenario: 'idle',
    server: 'proapi-on-message',
    against: 'uws',
    kind: 'max-ratio',
    limit: 2,
  },
  ...loopServers.map((server) => ({
    name: 'Idle loop-style connection ≤ 4× raw uWS RSS',
    scenario: 'idle' as const,
    server,
    against: 'uws',
    kind: 'max-ratio' as const,
    limit: 4,
  })),
  {
    name: 'Prometheus metrics on ≤ 1.05× metrics off (echo)',
    scenario: 'echo',
    server: 'proapi-function-metrics',
    against: 'proapi-function',
    kind: 'max-ratio',
    limit: 1.05,
  },
  {
    name: 'Prometheus metrics on ≤ 1.05× metrics off (@OnMessage JSON echo)',
    scenario: 'json',
    server: 'proapi-on-message-metrics',
    against: 'proapi-on-message',
    kind: 'max-ratio',
    limit: 1.05,
  },
  { name: 'Echo ≥ 1.7× cheaper than ws', scenario: 'echo', server: 'proapi-function', against: 'ws', kind: 'min-advantage', limit: 1.7 },
  { name: 'Echo ≥ 2.5× cheaper than Socket.IO', scenario: 'echo', server: 'proapi-function', against: 'socket.io', kind: 'min-advantage', limit: 2.5 },
  { name: 'Fan-out ≥ 5× cheaper than ws, per delivery', scenario: 'fanout', server: 'proapi-function', against: 'ws', kind: 'min-advantage', limit: 5 },
  { name: 'Fan-out ≥ 5× cheaper than Socket.IO, per delivery', scenario: 'fanout', server: 'proapi-function', against: 'socket.io', kind: 'min-advantage', limit: 5 },
  {
    name: 'Fast mode echo, 2 workers ≤ 1.10× single-process ProAPI, per message',
    scenario: 'echo',
    server: 'proapi-fast-2',
    against: 'proapi-function',
    kind: 'max-ratio',
    limit: 1.1,
  },
  {
    name: 'Fast mode fan-out, room over 2 workers ≤ 1.5× the room in 1 worker, per delivery',
    scenario: 'fanout',
    server: 'proapi-fast-2',
    against: 'proapi-fast-1',
    kind: 'max-ratio',
    limit: 1.5,
  },
  ...['proapi-redis', 'proapi-nats'].map((server) => ({
    name: 'Fan-out over 2 nodes ≤ 1.5× the same room on one node, per delivery (CPU of both nodes)',
    scenario: 'scaleout' as const,
    server,
    against: 'proapi-function',
    kind: 'max-ratio' as const,
    limit: 1.5,
  })),
  ...['proapi-redis', 'proapi-nats'].map((server) => ({
    name: 'Fan-out over 2 nodes ≥ 5× cheaper than Socket.IO + redis-adapter on 2 nodes, per delivery',
    scenario: 'scaleout' as const,
    server,
    against: 'socket.io-redis',
    kind: 'min-advantage' as const,
    limit: 5,
  })),
];

export function checkTargets(scenarios: readonly ScenarioResult[]): TargetCheck[] {
  return TARGETS.map((target) => {
    const scenario = scenarios.find((s) => s.id === target.scenario);
    const server = scenario?.servers.find((s) => s.server === target.server);
    const against = scenario?.servers.find((s) => s.server === target.against);
    if (!scenario || !server || !against) return { ...target, measured: null, pass: null, why: 'not measured in this run' };
    if (server.failure || !server.value) return { ...target, measured: null, pass: false, why: `${target.server} failed: ${server.failure}` };
    if (against.failure || !against.value) return { ...target, measured: null, pass: null, why: `${target.against} failed: ${against.failure}` };
    const measured =
      target.kind === 'max-ratio' ? server.value.median / against.value.median : against.value.median / server.value.median;
    const pass = target.kind === 'max-ratio' ? measured <= target.limit : measured >= target.limit;
    return { ...target, measured, pass };
  });
}
