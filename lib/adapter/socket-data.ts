import type uWS from 'uWebSockets.js';
import type { Peer } from '../connection/peer';

/** What uWS keeps on each socket. uWS merges these fields into its WebSocket object, so reading them is a plain property access. */
export interface SocketData {
  peer: Peer;
  /** Rooms the socket is in, kept exact by subscribe and unsubscribe (uWS empties it on close). */
  rooms: number;
  /** The route as declared (`/chat/:room`), for log lines and instrumentation. */
  readonly route: string;
}

export type Socket = uWS.WebSocket<SocketData> & SocketData;
