/**
 * A window of event or processing time, `[start, end)`. Global windows are `[-∞, +∞)`.
 * One class for every window kind keeps the window operator free of generics over window types.
 */
export class TimeWindow {
  private cachedId: string | undefined;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /** Unique per (start, end); the timer namespace. Built lazily: most assigned windows never need it. */
  get id(): string {
    return (this.cachedId ??= `${this.start}:${this.end}`);
  }

  /** The last timestamp that belongs to the window; event-time windows fire when the watermark reaches it. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /** Flink's rule: windows that overlap or touch (end === other.start) merge into one session. */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }
}

export const GLOBAL_WINDOW = new TimeWindow(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);

/** Start of the window of size `size` (shifted by `offset`) that contains `timestamp`; exact for negative timestamps too. */
export function windowStart(timestamp: number, offset: number, size: number): number {
  const rem = (timestamp - offset) % size;
  return rem < 0 ? timestamp - rem - size : timestamp - rem;
}
