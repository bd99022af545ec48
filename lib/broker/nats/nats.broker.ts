import type { Payload } from '../../connection/message';
import type { Broker, BrokerHost } from '../broker';
import { resolveClusterOptions, type ClusterBrokerOptions, type ResolvedClusterOptions } from '../cluster/cluster-options';
import type { ClusterBrokerStats } from '../cluster/cluster-stats';
import { NatsNode } from './nats-node';

export interface NatsBrokerOptions extends ClusterBrokerOptions {
  /**
   * NATS server(s): `nats://host:4222`, `host:port`, or several (comma-separated or an array) of
   * one cluster. Default `PROAPI_NATS_URL`, else `127.0.0.1:4222`.
   */
  servers?: string | string[];
}

/**
 * Rooms across nodes through NATS (core pub/sub; JetStream is not needed). Every node of the app
 * gets one, with the same servers and prefix; put the nodes behind any load balancer.
 *
 * A node subscribes to a room's subject only while the room has members on it (and for a short
 * grace after). A room message travels as one binary envelope. Room sizes: every node announces
 * its counts and keeps a replica of the others', so reading a size costs no round trip. If NATS
 * goes away, every node keeps serving its own members, counts what it could not forward
 * (`app.stats().notForwarded`), and rejoins by itself.
 * @example
 * import { NatsBroker } from 'proapi/nats';
 * const app = new ProAPI({ gateways: [ChatGateway], broker: new NatsBroker({ servers: process.env.PROAPI_NATS_URL }) });
 */
export class NatsBroker implements Broker {
  readonly name = 'nats';
  private readonly options: ResolvedClusterOptions;
  private readonly servers: string[];
  private node: NatsNode | null = null;

  constructor(options: NatsBrokerOptions = {}) {
    this.options = resolveClusterOptions('NatsBroker', options);
    const servers = options.servers ?? process.env.PROAPI_NATS_URL ?? '127.0.0.1:4222';
    this.servers = (Array.isArray(servers) ? servers : servers.split(',')).map((s) => s.trim()).filter(Boolean);
    if (this.servers.length === 0) throw new TypeError('NatsBroker: servers must name at least one NATS server, e.g. "nats://127.0.0.1:4222"');
  }

  async start(host: BrokerHost): Promise<void> {
    if (this.node) throw new Error('NatsBroker.start(): this broker already serves an app; give each app its own broker');
    const node = new NatsNode(host, this.options, this.servers);
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
    return Promise.resolve(this.node ? this.node.roomSize(room) : 0);
  }

  rooms(): Promise<string[]> {
    return Promise.resolve(this.node ? this.node.rooms() : []);
  }

  /** What this broker did since start: messages published, received, not forwarded; whether NATS is reachable. */
  stats(): ClusterBrokerStats | null {
    return this.node?.stats() ?? null;
  }

  async stop(): Promise<void> {
    const node = this.node;
    this.node = null;
    await node?.stop();
  }
}
