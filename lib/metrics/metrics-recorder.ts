import type { Instrumentation } from '../instrumentation/instrumentation';
import { BoundedCounts, closeCodeLabel, NO_ROUTE } from './metric-labels';

/** Error codes and statuses are few; these bounds only stop a misbehaving app from minting series. */
const MAX_ERROR_CODES = 64;

/** One route's totals (and those of no route: 404s, errors outside a connection). */
export class RouteTotals {
  open = 0;
  opened = 0;
  messagesIn = 0;
  bytesIn = 0;
  messagesOut = 0;
  bytesOut = 0;
  readonly closed = new BoundedCounts(Infinity); // labels already bounded by closeCodeLabel()
  readonly refused = new BoundedCounts(Infinity); // HTTP statuses: at most 200
  readonly errors = new BoundedCounts(MAX_ERROR_CODES);
}

/**
 * The instrumentation behind the Prometheus metrics: plain numbers bumped on the hot path, read
 * into prom-client at each scrape. Per message that is one map lookup by route and two additions.
 * Labels: the route's declared path (never the request's), close code classes, statuses, error
 * codes and message types, so series stay bounded: never a room name or a user.
 */
export class MetricsRecorder implements Instrumentation {
  readonly routes = new Map<string, RouteTotals>();
  /** The route of the last message: consecutive messages mostly share it, and a string compare is cheaper than a lookup. */
  private lastRoute = '';
  private lastTotals: RouteTotals | null = null;
  broadcasts = 0;
  broadcastBytes = 0;
  deliveries = 0;

  constructor(private readonly observeDuration: (route: string, type: string, seconds: number) => void) {}

  connectionOpened(route: string): void {
    const totals = this.totals(route);
    totals.open++;
    totals.opened++;
  }

  connectionClosed(route: string, code: number): void {
    const totals = this.totals(route);
    totals.open--;
    totals.closed.add(closeCodeLabel(code));
  }

  upgradeRefused(route: string | null, status: number): void {
    this.totals(route ?? NO_ROUTE).refused.add(String(status));
  }

  messageIn(route: string, bytes: number): void {
    const totals = route === this.lastRoute && this.lastTotals !== null ? this.lastTotals : this.totals(route);
    totals.messagesIn++;
    totals.bytesIn += bytes;
  }

  messageOut(route: string, bytes: number): void {
    const totals = route === this.lastRoute && this.lastTotals !== null ? this.lastTotals : this.totals(route);
    totals.messagesOut++;
    totals.bytesOut += bytes;
  }

  handlerDuration(route: string, type: string, ms: number): void {
    this.observeDuration(route, type, ms / 1000);
  }

  error(route: string | null, code: string): void {
    this.totals(route ?? NO_ROUTE).errors.add(code);
  }

  broadcast(_room: string, bytes: number, receivers: number | undefined): void {
    this.broadcasts++;
    this.broadcastBytes += bytes;
    if (receivers !== undefined) this.deliveries += receivers;
  }

  private totals(route: string): RouteTotals {
    let totals = this.routes.get(route);
    if (totals === undefined) this.routes.set(route, (totals = new RouteTotals()));
    this.lastRoute = route;
    this.lastTotals = totals;
    return totals;
  }
}
