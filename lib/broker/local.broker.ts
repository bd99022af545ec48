import type { Payload } from '../connection/message';
import type { Broker, BrokerHost } from './broker';

/** Rooms of this process only: uWS topics, nothing forwarded. The default broker. */
export class LocalBroker implements Broker {
  readonly name = 'local';
  private host: BrokerHost | null = null;

  start(host: BrokerHost): Promise<void> {
    this.host = host;
    return Promise.resolve();
  }

  subscribe(_room: string): void {}

  unsubscribe(_room: string): void {}

  publish(_room: string, _data: Payload, _isBinary: boolean): void {}

  roomSize(room: string): Promise<number> {
    return Promise.resolve(this.host?.localRoomSize(room) ?? 0);
  }

  rooms(): Promise<string[]> {
    return Promise.resolve(this.host?.localRooms() ?? []);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
