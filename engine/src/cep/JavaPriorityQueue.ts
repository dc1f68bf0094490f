/**
 * A binary heap laid out exactly as java.util.PriorityQueue lays out its array (same sift-up/down,
 * bulk removal then heapify). Flink CEP iterates its queues of partial matches in array order, not
 * sorted order, so matches come out in the same order as Flink's only with the same layout.
 * Hand-written rather than a library heap for that reason.
 */
export class JavaPriorityQueue<E> {
  constructor(
    private readonly compare: (a: E, b: E) => number,
    /** The heap array; iterate it for Java's iteration order. Plain data, for checkpoints. */
    readonly items: E[] = [],
  ) {}

  get size(): number {
    return this.items.length;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  add(e: E): void {
    const q = this.items;
    let k = q.length;
    q.push(e);
    while (k > 0) {
      const parent = (k - 1) >>> 1;
      const p = q[parent]!;
      if (this.compare(e, p) >= 0) break;
      q[k] = p;
      k = parent;
    }
    q[k] = e;
  }

  addAll(es: Iterable<E>): void {
    for (const e of es) this.add(e);
  }

  poll(): E | undefined {
    const q = this.items;
    if (q.length === 0) return undefined;
    const result = q[0]!;
    const x = q.pop()!;
    if (q.length > 0) this.siftDown(0, x);
    return result;
  }

  /** Removes every element `remove` selects (Java's bulkRemove: survivors keep their order, then heapify). */
  removeIf(remove: (e: E) => boolean): void {
    const q = this.items;
    const kept = q.filter((e) => !remove(e));
    if (kept.length === q.length) return;
    q.length = 0;
    q.push(...kept);
    for (let i = (q.length >>> 1) - 1; i >= 0; i--) this.siftDown(i, q[i]!);
  }

  private siftDown(start: number, x: E): void {
    const q = this.items;
    const n = q.length;
    const half = n >>> 1;
    let k = start;
    while (k < half) {
      let child = 2 * k + 1;
      let c = q[child]!;
      const right = child + 1;
      if (right < n && this.compare(c, q[right]!) > 0) c = q[(child = right)]!;
      if (this.compare(x, c) <= 0) break;
      q[k] = c;
      k = child;
    }
    q[k] = x;
  }
}
