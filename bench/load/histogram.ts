/** Latency histogram with 1 % wide logarithmic buckets from 1 µs to ~20 min: fixed memory, cheap to record. */
const GROWTH = Math.log(1.01);
const BUCKETS = 2200;

export class Histogram {
  readonly counts: Uint32Array;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(BUCKETS);
  }

  recordMicros(micros: number): void {
    const index = micros <= 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(micros) / GROWTH));
    this.counts[index]++;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
  }

  get total(): number {
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) sum += this.counts[i];
    return sum;
  }

  /** The value (µs, bucket midpoint) below which `fraction` of the samples fall; NaN when empty. */
  percentile(fraction: number): number {
    const total = this.total;
    if (total === 0) return NaN;
    const rank = Math.ceil(total * fraction);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.exp((i + 0.5) * GROWTH);
    }
    return NaN;
  }
}
