import type { Payload } from '../../connection/message';
import type { Broker, BrokerHost } from '../broker';
import { resolveClusterOptions, type ClusterBrokerOptions, type ResolvedClusterOptions } from '../cluster/cluster-options';
import type { ClusterBrokerStats } from '../cluster/cluster-stats';
import type { RedisClientOptions } from './redis-clients';
import { RedisNode } from './redis-node';

export interface RedisBrokerOptions extends ClusterBrokerOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. Default `PROAPI_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** More node-redis client options (TLS certificates, a client name...); `url` and reconnecting are the broker's. */
  clientOptions?: RedisClientOptions;
}

/**
 * Rooms across nodes through Redis pub/sub, with cluster-wide room sizes kept in Redis. Every node
 * of the app gets one, with the same url and prefix; put the nodes behind any load balancer.
 *
 * A node subscribes to a room's channel only while the room has members on it (and for a short
 * grace after), so it receives no traffic for other rooms. A room message travels as one binary
 * envelope (payload as given, never base64). If Redis goes away, every node keeps serving its own
 * members, counts what it could not forward (`app.stats().notForwarded`), and rejoins by itself.
 * @example
 * import { RedisBroker } from 'proapi/redis';
 * const app = new ProAPI({ gateways: [ChatGateway], broker: new RedisBroker({ url: process.env.PROAPI_REDIS_URL }) });
 */
export class RedisBroker implements Broker {
  readonly name = 'redis';
  private readonly options: ResolvedClusterOptions;
  private readonly url: string;
  private readonly clientOptions: RedisClientOptions;
  private node: RedisNode | null = null;

  constructor(options: RedisBrokerOptions = {}) {
    this.options = resolveClusterOptions('RedisBroker', options);
    this.url = options.url ?? process.env.PROAPI_REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (!/^rediss?:\/\//.test(this.url)) throw new TypeError(`RedisBroker: url must start with redis:// or rediss://, got ${JSON.stringify(this.url)}`);
    this.clientOptions = options.clientOptions ?? {};
  }

  async start(host: BrokerHost): Promise<void> {
    if (this.node) throw new Error('RedisBroker.start(): this broker already serves an app; give each app its own broker');
    const node = new RedisNode(host, this.options, this.url, this.clientOptions);
    await node.connect();
    this.node = node;
  }

  subscribe(room: string): Promise<void> | void {
    return this.node?.interest.enter(room);
  }

  unsubscribe(room: string): void {
    this.node?.interest.leave(room);
  }

  localRoomSizeChanged(room: string, size: number): void {
    this.node?.presence.changed(room, size);
  }

  publish(room: string, data: Payload, isBinary: boolean): void {
    this.node?.publish(room, data, isBinary);
  }

  roomSize(room: string): Promise<number> {
    return this.node ? this.node.roomSize(room) : Promise.resolve(0);
  }

  rooms(): Promise<string[]> {
    return this.node ? this.node.rooms() : Promise.resolve([]);
  }

  /** What this broker did since start: messages published, received, not forwarded; whether Redis is reachable. */
  stats(): ClusterBrokerStats | null {
    return this.node?.stats() ?? null;
  }

  async stop(): Promise<void> {
    const node = this.node;
    this.node = null;
    await node?.stop();
  }
}
