import type { StreamElement } from "./StreamElement.js";

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
