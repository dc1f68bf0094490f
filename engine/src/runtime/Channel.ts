import type { StreamElement } from "./StreamElement.js";

/**
 * Where a keyed exchange's producer (OutputRouter, keyRouteLoop) writes one record batch's records per
 * consumer subtask: slot `s`'s records go to `values[s]`/`timestamps[s]` from index `at[s]` on, which the
 * loop advances. A channel hands out the arrays (`beginRecords`) and takes what was written
 * (`endRecords`), so a remote channel has the records written straight into the batch it will encode.
 * Timestamps are written to Float64Arrays: a double stored into a JS array that grows cost ~15 ns a
 * record in the routing loop, into a typed array ~1.5 (bench/nexmark/RESULTS.md "Session 18: q5route").
 */
export class RouteTargets {
  readonly values: unknown[][];
  readonly timestamps: Float64Array[];
  readonly at: Int32Array;
  /** Per slot, reused: a local channel's timestamps are written here, then copied to the batch's array. */
  private readonly scratch: Float64Array[];

  constructor(slots: number) {
    this.values = Array.from({ length: slots }, () => []);
    this.timestamps = Array.from({ length: slots }, () => new Float64Array(0));
    this.scratch = Array.from({ length: slots }, () => new Float64Array(0));
    this.at = new Int32Array(slots);
  }

  /** Slot `slot`'s scratch, room for at least `records`. */
  scratchFor(slot: number, records: number): Float64Array {
    let scratch = this.scratch[slot] as Float64Array;
    if (scratch.length < records) {
      scratch = new Float64Array(Math.max(records, 2 * scratch.length, 1024));
      this.scratch[slot] = scratch;
    }
    return scratch;
  }
}

/** `new Array(n)` past ~16 K elements makes a dictionary-mode array: a router writes a larger batch's records in parts of this many. */
export const MAX_PRESIZED = 8192;

/**
 * A bounded FIFO between one producer subtask and one consumer subtask. "Bounded" is enforced by the
 * producer, which only runs while every one of its output channels `hasRoom`; one step may overshoot
 * by one step's output, so the bound is soft but finite. That is what makes a slow sink hold back its source.
 */
export class Channel {
  /** Slots before `head` are consumed and cleared (undefined), so their batches can be collected. */
  private items: (StreamElement | undefined)[] = [];
  private head = 0;
  /** Records (not batches) waiting: the backlog reported in metrics. */
  queuedRecords = 0;

  constructor(
    /** Capacity in records. */
    readonly capacity: number,
    /** Capacity in elements, so a flood of tiny batches or watermarks is bounded too. */
    readonly maxElements: number,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get isEmpty(): boolean {
    return this.head === this.items.length;
  }

  get hasRoom(): boolean {
    return this.queuedRecords < this.capacity && this.items.length - this.head < this.maxElements;
  }

  push(element: StreamElement): void {
    if (element.kind === "records") this.queuedRecords += element.batch.values.length;
    this.items.push(element);
  }

  /**
   * Gives slot `slot` of `into` the arrays a router writes this channel's records of a batch of up to
   * `records` (at most MAX_PRESIZED) into, long enough for them all (keyRouteLoop writes only within an
   * array's length): here a fresh array for the values (a growing `[]` cost more than routing's hash),
   * and the slot's scratch for the timestamps.
   */
  beginRecords(into: RouteTargets, slot: number, records: number): void {
    into.values[slot] = new Array<unknown>(records);
    into.timestamps[slot] = into.scratchFor(slot, records);
    into.at[slot] = 0;
  }

  /**
   * The router is done writing slot `slot` (begun by `beginRecords`): what it wrote is one batch of this
   * channel; nothing is pushed when it wrote none. Its arrays are holey, as a decoded batch's are, so an
   * operator fed by local and remote channels sees one kind of array from both.
   */
  endRecords(from: RouteTargets, slot: number): void {
    const n = from.at[slot] as number;
    if (n === 0) return;
    const values = from.values[slot] as unknown[];
    if (values.length > n) values.length = n;
    const scratch = from.timestamps[slot] as Float64Array;
    const timestamps = new Array<number>(n);
    for (let i = 0; i < n; i++) timestamps[i] = scratch[i] as number;
    this.push({ kind: "records", batch: { values, timestamps } });
  }

  shift(): StreamElement | undefined {
    if (this.head === this.items.length) return undefined;
    const element = this.items[this.head]!;
    // Drop the reference now: until the next compaction (up to 1024 slots later) a consumed batch
    // would stay reachable, and a channel that never runs empty held ~1M records (Nexmark q3 at p=2).
    this.items[this.head] = undefined;
    this.head++;
    if (element.kind === "records") this.queuedRecords -= element.batch.values.length;
    // Compact occasionally instead of Array.shift() on every element (which is O(n)).
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return element;
  }
}
