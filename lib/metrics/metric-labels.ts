/**
 * A close code as a label: the standard codes as they are, the ranges applications and libraries
 * pick from as `3xxx` and `4xxx`, anything else `other`. A client chooses its close code, so the
 * raw number would let it mint up to 2,000 series per route.
 */
export function closeCodeLabel(code: number): string {
  if (code >= 1000 && code <= 1015) return String(code);
  if (code >= 3000 && code <= 3999) return '3xxx';
  if (code >= 4000 && code <= 4999) return '4xxx';
  return 'other';
}

/** Where a label has no route: an upgrade no route matched (404), or an error outside a connection. */
export const NO_ROUTE = 'none';

/**
 * Counts by label value, with at most `max` distinct values: later new values count as `other`.
 * For values the app's code chooses (a `WsException`'s code), which should be few but are not
 * guaranteed to be.
 */
export class BoundedCounts {
  readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  add(value: string, count = 1): void {
    const key = this.counts.has(value) || this.counts.size < this.max ? value : 'other';
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }
}
