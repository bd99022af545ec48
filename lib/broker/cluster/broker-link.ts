import type { BrokerHost } from '../broker';

/**
 * Whether this node can reach the broker right now, and what it could not forward while it
 * could not. Each outage is logged twice: once when it starts, and once when it ends, with the
 * number of room messages that did not reach other nodes (they were delivered here).
 */
export class BrokerLink {
  private isUp = false;
  private everUp = false;
  private downSince = 0;
  private lostInOutage = 0;
  private outageCount = 0;
  private lost = 0;
  /** Bumped at every loss: work started before it must not finish a recovery. */
  generation = 0;

  constructor(
    private readonly broker: string,
    private readonly host: BrokerHost,
  ) {}

  get up(): boolean {
    return this.isUp;
  }

  get outages(): number {
    return this.outageCount;
  }

  /** Room messages not forwarded since start, for any reason. */
  get notForwardedTotal(): number {
    return this.lost;
  }

  /** The connection to the broker was lost (or could not be made). Logs once per outage. */
  down(cause: unknown): void {
    this.generation++;
    if (!this.isUp) return;
    this.isUp = false;
    this.downSince = Date.now();
    this.lostInOutage = 0;
    this.outageCount++;
    this.host.logger.warn(
      { broker: this.broker, err: cause },
      `${this.broker} broker unreachable: local delivery continues; room messages to other nodes are not forwarded (counted in app.stats().notForwarded) until it is back`,
    );
  }

  /** Booted without the broker (`optional: true`): what happens until it is reachable counts as an outage. */
  unreachableAtBoot(): void {
    this.downSince = Date.now();
    this.lostInOutage = 0;
  }

  /** The connection is usable again and every subscription is confirmed. */
  restored(details: object): void {
    if (this.isUp) return;
    const first = !this.everUp;
    this.isUp = true;
    this.everUp = true;
    if (this.downSince === 0) return;
    const outageMs = Date.now() - this.downSince;
    this.host.logger.warn(
      { broker: this.broker, ...details, outageMs, notForwarded: this.lostInOutage },
      first
        ? `${this.broker} broker reachable after ${outageMs} ms: this node joined the cluster; ${this.lostInOutage} room messages were not forwarded to other nodes during the outage`
        : `${this.broker} broker reachable again after ${outageMs} ms; ${this.lostInOutage} room messages were not forwarded to other nodes during the outage`,
    );
  }

  /** Counts room messages that did not reach other nodes. */
  notForwarded(count: number): void {
    this.lost += count;
    this.lostInOutage += count;
    this.host.notForwarded(count);
  }

  /** At stop: an outage still going on gets its count logged too. */
  stopped(): void {
    if (this.isUp || this.downSince === 0) return;
    this.host.logger.warn(
      { broker: this.broker, notForwarded: this.lostInOutage },
      `${this.broker} broker stopped while unreachable; ${this.lostInOutage} room messages were not forwarded to other nodes during the outage`,
    );
  }
}
