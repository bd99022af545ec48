import type uWS from 'uWebSockets.js';
import type { Payload } from '../connection/message';
import type { LocalTopics, RoomListener, SocketHandle } from '../connection/peer';
import type { BackpressureGuard } from './backpressure-guard';
import { decodeText } from './copy-request';
import type { Socket } from './socket-data';

/** The rooms of this process as uWS topics: members live only in uWS. */
export class UwsTopics implements LocalTopics {
  /** Rooms with at least one socket, kept by uWS's `subscription` events. */
  private readonly roomNames = new Set<string>();
  private roomListener: RoomListener | null = null;
  /** Set when sockets are watched for falling behind (closeOnBackpressureLimit). */
  guard: BackpressureGuard<Socket> | null = null;

  constructor(private readonly app: uWS.TemplatedApp) {}

  setRoomListener(listener: RoomListener): void {
    this.roomListener = listener;
  }

  /**
   * uWS's `subscription` event: fires on every change of a topic's size, also for the unsubscribes
   * uWS does on close (before `close` runs). Only a room turning empty or non-empty matters, unless
   * the listener follows sizes (a broker keeping cluster-wide room sizes).
   */
  subscriptionChanged(topic: ArrayBuffer, newCount: number, oldCount: number): void {
    const listener = this.roomListener;
    if (newCount > 0 && oldCount > 0) {
      if (listener?.roomSizeChanged) listener.roomSizeChanged(decodeText(topic), newCount);
      return;
    }
    const room = decodeText(topic);
    if (newCount > 0) {
      this.roomNames.add(room);
      listener?.roomOpened(room);
    } else {
      this.roomNames.delete(room);
      listener?.roomEmptied(room);
    }
    if (listener?.roomSizeChanged) listener.roomSizeChanged(room, newCount);
  }

  // uWS v20.30's subscribe() returns true even when the socket was in the topic already; its
  // unsubscribe() does say whether it left.
  subscribe(socket: SocketHandle, room: string): boolean {
    const ws = socket as unknown as Socket;
    if (ws.isSubscribed(room)) return false;
    ws.subscribe(room);
    ws.rooms++;
    return true;
  }

  unsubscribe(socket: SocketHandle, room: string): boolean {
    const ws = socket as unknown as Socket;
    if (!ws.unsubscribe(room)) return false;
    ws.rooms--;
    return true;
  }

  has(socket: SocketHandle, room: string): boolean {
    return (socket as unknown as Socket).isSubscribed(room);
  }

  roomCount(socket: SocketHandle): number {
    return (socket as unknown as Socket).rooms;
  }

  topicsOf(socket: SocketHandle): string[] {
    return (socket as unknown as Socket).getTopics();
  }

  /**
   * To every socket of this process in `room` except `exclude`, through uWS's topics:
   * - Messages under 16 KiB are queued and written to each receiver, corked, when the loop
   *   iteration ends (also after timers and promise callbacks, so no cork() is needed here);
   *   larger ones go straight to each receiver's send. Per receiver, order is kept across
   *   publish and send.
   * - uWS cannot say which receivers could not take their copy; the guard closes those that fall
   *   behind by more than maxBackpressure, so the others are not held back and none misses a
   *   message silently.
   */
  publish(room: string, data: Payload, isBinary: boolean, exclude: SocketHandle | null): void {
    const sender = exclude as unknown as Socket | null;
    // ws.publish leaves the sender out, but from a socket in no room it publishes nothing (uWS
    // frees a subscriber with its last topic); such a sender is not in `room` either, so
    // app.publish reaches exactly the same sockets.
    if (sender !== null && sender.rooms > 0) sender.publish(room, data, isBinary);
    else this.app.publish(room, data, isBinary);
    if (this.guard !== null) this.guard.published(typeof data === 'string' ? data.length * 3 : data.byteLength);
  }

  size(room: string): number {
    return this.app.numSubscribers(room);
  }

  rooms(): string[] {
    return [...this.roomNames];
  }
}
