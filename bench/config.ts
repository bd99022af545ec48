/** What the suite measures: the servers, the scenarios, and the sizes for full, quick and smoke runs. */

export type Wire = 'plain' | 'socket.io';
export type ScenarioId = 'echo' | 'json' | 'fanout' | 'idle' | 'churn' | 'scaleout';

export interface ServerSpec {
  readonly id: string;
  readonly label: string;
  /** bench/servers/<script>.server.ts */
  readonly script: string;
  readonly wire: Wire;
  /** The scenarios this server has routes for. */
  readonly scenarios: readonly ScenarioId[];
  /** The route idle connections open: `echo`, or `json` for servers that only speak typed messages. */
  readonly idleRoute: 'echo' | 'json';
  readonly isProAPI: boolean;
  /** Where the compiled server lives, when not in this checkout's build (`--compare <ref>`). */
  readonly buildRoot?: string;
  /** Processes of this server sharing one room through a broker (scale-out); default 1. */
  readonly nodes?: number;
  /** More environment for its processes (which broker, where). */
  readonly env?: Readonly<Record<string, string>>;
}

const TRAFFIC: readonly ScenarioId[] = ['echo', 'json', 'fanout', 'idle', 'churn'];
/** The same room on one node: what the scale-out servers are compared with. */
const WITH_SCALEOUT: readonly ScenarioId[] = [...TRAFFIC, 'scaleout'];
const REDIS_URL = process.env.PROAPI_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env.PROAPI_NATS_URL ?? 'nats://127.0.0.1:4222';

export const SERVERS: readonly ServerSpec[] = [
  { id: 'uws', label: 'raw uWS', script: 'uws', wire: 'plain', scenarios: TRAFFIC, isProAPI: false, idleRoute: 'echo' },
  { id: 'ws', label: 'ws', script: 'ws', wire: 'plain', scenarios: TRAFFIC, isProAPI: false, idleRoute: 'echo' },
  { id: 'socket.io', label: 'Socket.IO', script: 'socket-io', wire: 'socket.io', scenarios: WITH_SCALEOUT, isProAPI: false, idleRoute: 'echo' },
  {
    id: 'proapi-function',
    label: 'ProAPI function + loop',
    script: 'proapi-function',
    wire: 'plain',
    scenarios: WITH_SCALEOUT,
    isProAPI: true,
    idleRoute: 'echo',
  },
  {
    id: 'proapi-on-message',
    label: 'ProAPI @OnMessage + DTO',
    script: 'proapi-on-message',
    wire: 'plain',
    // Typed messages are JSON objects: the 64-byte text scenarios do not apply.
    scenarios: ['json', 'idle'],
    isProAPI: true,
    idleRoute: 'json',
  },
  {
    id: 'proapi-function-metrics',
    label: 'ProAPI function + loop, metrics on',
    script: 'proapi-function-metrics',
    wire: 'plain',
    scenarios: ['echo', 'json'],
    isProAPI: true,
    idleRoute: 'echo',
  },
  {
    id: 'proapi-on-message-metrics',
    label: 'ProAPI @OnMessage + DTO, metrics on',
    script: 'proapi-on-message-metrics',
    wire: 'plain',
    scenarios: ['json'],
    isProAPI: true,
    idleRoute: 'json',
  },
  {
    id: 'proapi-gateway',
    label: 'ProAPI gateway + loop',
    script: 'proapi-gateway',
    wire: 'plain',
    scenarios: TRAFFIC,
    isProAPI: true,
    idleRoute: 'echo',
  },
  // Fast mode: worker threads behind one port (SO_REUSEPORT), rooms carried between them.
  {
    id: 'proapi-fast-1',
    label: 'ProAPI fast mode, 1 worker',
    script: 'proapi-fast',
    env: { WORKERS: '1' },
    wire: 'plain',
    scenarios: ['echo', 'fanout'],
    isProAPI: true,
    idleRoute: 'echo',
  },
  {
    id: 'proapi-fast-2',
    label: 'ProAPI fast mode, 2 workers',
    script: 'proapi-fast',
    env: { WORKERS: '2' },
    wire: 'plain',
    scenarios: ['echo', 'fanout', 'churn'],
    isProAPI: true,
    idleRoute: 'echo',
  },
  {
    id: 'proapi-redis',
    label: 'ProAPI, 2 nodes via Redis',
    script: 'proapi-cluster',
    wire: 'plain',
    scenarios: ['scaleout'],
    isProAPI: true,
    idleRoute: 'echo',
    nodes: 2,
    env: { BROKER: 'redis', BROKER_URL: REDIS_URL },
  },
  {
    id: 'proapi-nats',
    label: 'ProAPI, 2 nodes via NATS',
    script: 'proapi-cluster',
    wire: 'plain',
    scenarios: ['scaleout'],
    isProAPI: true,
    idleRoute: 'echo',
    nodes: 2,
    env: { BROKER: 'nats', BROKER_URL: NATS_URL },
  },
  {
    id: 'socket.io-redis',
    label: 'Socket.IO + redis-adapter, 2 nodes',
    script: 'socket-io-redis',
    wire: 'socket.io',
    scenarios: ['scaleout'],
    isProAPI: false,
    idleRoute: 'echo',
    nodes: 2,
    env: { BROKER_URL: REDIS_URL },
  },
];

export const BASELINE_SERVER = 'uws';

export interface ScenarioSpec {
  readonly id: ScenarioId;
  readonly title: string;
  /** The primary figure and its unit. */
  readonly metric: string;
  readonly unit: string;
  /** What one counted "message" is for this scenario. */
  readonly per: string;
}

export const SCENARIOS: readonly ScenarioSpec[] = [
  { id: 'echo', title: 'Echo, 64-byte text, 100 connections pipelined', metric: 'server CPU per message', unit: 'µs', per: 'echoed message' },
  { id: 'json', title: 'JSON echo of a small object', metric: 'server CPU per message', unit: 'µs', per: 'echoed message' },
  { id: 'fanout', title: 'Fan-out: one room, one publisher, 64-byte text', metric: 'server CPU per delivery', unit: 'µs', per: 'delivery' },
  { id: 'idle', title: 'Idle connections', metric: 'server RSS per connection', unit: 'KiB', per: 'connection' },
  { id: 'churn', title: 'Connection churn: connect, join, one message, leave, disconnect', metric: 'server CPU per cycle', unit: 'µs', per: 'cycle' },
  {
    id: 'scaleout',
    title: 'Scale-out fan-out: one room, one publisher, its members split over 2 nodes through a broker (1-node servers: the same room on one node)',
    metric: 'server CPU per delivery, all nodes summed',
    unit: 'µs',
    per: 'delivery',
  },
];

export interface Plan {
  readonly mode: 'full' | 'quick' | 'smoke';
  readonly rounds: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly echo: { readonly connections: number; readonly window: number };
  readonly fanout: { readonly members: number; readonly window: number };
  readonly idle: { readonly connections: number; readonly rounds: number; readonly settleMs: number };
  readonly churn: { readonly concurrency: number };
}

export const MESSAGE_BYTES = 64;

export const PLANS: Record<Plan['mode'], Plan> = {
  full: {
    mode: 'full',
    rounds: 5,
    warmupMs: 1000,
    measureMs: 3000,
    echo: { connections: 100, window: 8 },
    fanout: { members: 1000, window: 16 },
    idle: { connections: 10_000, rounds: 3, settleMs: 1000 },
    churn: { concurrency: 16 },
  },
  quick: {
    mode: 'quick',
    rounds: 3,
    warmupMs: 200,
    measureMs: 400,
    echo: { connections: 100, window: 8 },
    fanout: { members: 1000, window: 16 },
    idle: { connections: 1_000, rounds: 3, settleMs: 200 },
    churn: { concurrency: 16 },
  },
  smoke: {
    mode: 'smoke',
    rounds: 1,
    warmupMs: 100,
    measureMs: 300,
    echo: { connections: 10, window: 4 },
    fanout: { members: 20, window: 4 },
    idle: { connections: 100, rounds: 1, settleMs: 100 },
    churn: { concurrency: 4 },
  },
};
