// A bounded ring buffer: what a run of any length keeps of its log.

/** Keeps the last `capacity` items pushed; `total` counts every push. */
export class Ring<T> {
  private items: T[] = [];
  private head = 0;
  total = 0;
  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.total++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** The last `n` items (all by default), oldest first. */
  last(n: number = this.items.length): T[] {
    const size = this.items.length;
    const count = Math.max(0, Math.min(n, size));
    const out: T[] = new Array<T>(count);
    const start = size < this.capacity ? size - count : this.head + size - count;
    for (let k = 0; k < count; k++) out[k] = this.items[(start + k) % size] as T;
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
