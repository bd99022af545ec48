import { STATUS_CODES } from 'node:http';
import type uWS from 'uWebSockets.js';
import { CloseCode } from '../errors/close-code';
import type { Logger } from '../logger';
import type { Handshake, Peer } from '../connection/peer';

/** What a pending upgrade asks of the adapter. */
export interface UpgradeHost {
  readonly options: { readonly logger: Logger };
  upgraded(upgrade: PendingUpgrade, request: UpgradeRequest, subprotocol: string): void;
  refused(upgrade: PendingUpgrade, status: number): void;
}

/**
 * An upgrade request waiting for its handler to accept or refuse it. Answered once: by the
 * handler, by the accept timeout (408), by the shutdown (503), or not at all when the client goes
 * away first, which uWS reports through `onAborted` (writing to the response after that would
 * crash uWS). Either way the peer hears of the end.
 */
export class PendingUpgrade implements Handshake {
  /** Null once answered: uWS keeps the `onAborted` closure, and so this object, as long as the socket lives. */
  private request: UpgradeRequest | null;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly host: UpgradeHost,
    readonly route: { readonly path: string },
    request: UpgradeRequest,
  ) {
    this.request = request;
  }

  /** Watches the request for `peer`: must run synchronously in uWS's upgrade handler. */
  watch(peer: Peer, acceptTimeoutMs: number): void {
    (this.request as UpgradeRequest).peer = peer;
    (this.request as UpgradeRequest).res.onAborted(() => {
      if (this.take() !== null) peer.onClose(CloseCode.ABNORMAL, 'client went away before the upgrade');
    });
    if (acceptTimeoutMs > 0) this.timer = setTimeout(expire, acceptTimeoutMs, this, acceptTimeoutMs);
  }

  accept(subprotocol: string): void {
    const request = this.take();
    if (request !== null) this.host.upgraded(this, request, subprotocol);
  }

  refuse(status: number, body: string, headers?: Readonly<Record<string, string>>): void {
    const request = this.take();
    if (request === null) return;
    this.host.refused(this, status);
    const { res } = request;
    res.cork(() => {
      res.writeStatus(statusLine(status));
      res.writeHeader('Content-Type', 'text/plain; charset=utf-8');
      if (headers) for (const name of Object.keys(headers)) res.writeHeader(name, headers[name]);
      res.end(body);
    });
    request.peer?.onClose(CloseCode.ABNORMAL, `upgrade refused with HTTP ${status}`);
  }

  /** @internal The accept timeout fired. */
  timedOut(acceptTimeoutMs: number): void {
    this.host.options.logger.warn(
      { route: this.route.path, acceptTimeoutMs },
      'handler neither accepted nor refused within acceptTimeoutMs; answered HTTP 408',
    );
    this.refuse(408, 'the server did not accept the connection in time');
  }

  /** The request, once: null if it was answered already. */
  private take(): UpgradeRequest | null {
    const request = this.request;
    this.request = null;
    clearTimeout(this.timer);
    return request;
  }
}

/** The parts of uWS's upgrade request a later `res.upgrade()` needs. */
export interface UpgradeRequest {
  readonly res: uWS.HttpResponse;
  readonly context: uWS.us_socket_context_t;
  readonly key: string;
  readonly extensions: string;
  peer: Peer | null;
}

function expire(upgrade: PendingUpgrade, acceptTimeoutMs: number): void {
  upgrade.timedOut(acceptTimeoutMs);
}

export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}
