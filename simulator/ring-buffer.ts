/**
 * A fixed-capacity buffer that drops its oldest item when full: pushing is O(1), so a storm of
 * thousands of requests never makes the request log (or an event bus) cost more per call.
 */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private start = 0;
  private size = 0;

  constructor(private capacityLimit: number) {
    this.items = new Array<T | undefined>(capacityLimit);
  }

  get length(): number {
    return this.size;
  }

  get capacity(): number {
    return this.capacityLimit;
  }

  push(item: T): void {
    const end = (this.start + this.size) % this.capacityLimit;
    this.items[end] = item;
    if (this.size < this.capacityLimit) this.size += 1;
    else this.start = (this.start + 1) % this.capacityLimit;
  }

  /** The newest `count` items (default all), oldest first. */
  toArray(count = this.size): T[] {
    const take = Math.max(0, Math.min(count, this.size));
    const out: T[] = [];
    for (let i = this.size - take; i < this.size; i += 1) {
      out.push(this.items[(this.start + i) % this.capacityLimit] as T);
    }
    return out;
  }

  /** Changes the capacity, keeping the newest items that still fit. */
  resize(capacity: number): void {
    const kept = this.toArray(capacity);
    this.capacityLimit = capacity;
    this.items = new Array<T | undefined>(capacity);
    this.start = 0;
    this.size = 0;
    for (const item of kept) this.push(item);
  }

  clear(): void {
    this.items = new Array<T | undefined>(this.capacityLimit);
    this.start = 0;
    this.size = 0;
  }
}
