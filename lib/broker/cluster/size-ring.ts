/**
 * Sizes of messages awaiting the broker's acknowledgement, oldest first. Acknowledgements come in
 * send order on one connection, so a ring of numbers stands in for a closure per message.
 */
export class SizeRing {
  private readonly sizes: Uint32Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.sizes = new Uint32Array(Math.max(1, capacity));
  }

  push(size: number): void {
    this.sizes[(this.head + this.count) % this.sizes.length] = size;
    this.count++;
  }

  shift(): number {
    if (this.count === 0) return 0;
    const size = this.sizes[this.head];
    this.head = (this.head + 1) % this.sizes.length;
    this.count--;
    return size;
  }
}
