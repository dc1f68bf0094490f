/**
 * The bounded data behind a live view: points in arrival order, replaced in place when a record
 * with the same identity arrives, trimmed to the newest `maxPoints` and, if asked, to an
 * event-time span ending at the newest x.
 */
export class PointStore<P extends Record<string, unknown>> {
  private readonly points = new Map<unknown, P>();
  private seq = 0;
  private newestX = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxPoints: number,
    private readonly retain?: { field: string; span: number },
    /** Whether `next` may replace `prev` of the same identity (default: always). */
    private readonly supersedes?: (prev: P, next: P) => boolean,
  ) {}

  upsert(id: unknown, point: P): void {
    const prev = id === undefined ? undefined : this.points.get(id);
    if (prev !== undefined && this.supersedes && !this.supersedes(prev, point)) return;
    this.points.set(id === undefined ? `#${this.seq++}` : id, point);
    if (this.retain) {
      const x = Number(point[this.retain.field]);
      if (x > this.newestX) this.newestX = x;
    }
  }

  /** Applies the bounds; call after a batch of upserts. */
  trim(): void {
    if (this.retain) {
      const oldest = this.newestX - this.retain.span;
      for (const [id, p] of this.points) if (Number(p[this.retain.field]) < oldest) this.points.delete(id);
    }
    let excess = this.points.size - this.maxPoints;
    for (const id of this.points.keys()) {
      if (excess-- <= 0) break;
      this.points.delete(id);
    }
  }

  values(): P[] {
    return [...this.points.values()];
  }

  get size(): number {
    return this.points.size;
  }
}
