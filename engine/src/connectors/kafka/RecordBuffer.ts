/**
 * The records a consumer fetched ahead of the engine, with the two waits around it: the engine
 * waiting for records (`waitForRecords`), and the fetch loop waiting for room (`waitForRoom`,
 * back-pressure at `capacity`). Records are kept in the chunks they were fetched in, so taking
 * them costs no copying of the whole buffer.
 */
import type { KafkaRecord } from "./KafkaClient.js";

export class RecordBuffer {
  private readonly chunks: KafkaRecord[][] = [];
  private head = 0;
  private count = 0;
  private recordsWaiter: (() => void) | undefined;
  private roomWaiter: (() => void) | undefined;
  private closed = false;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  push(records: KafkaRecord[]): void {
    if (records.length === 0) return;
    this.chunks.push(records);
    this.count += records.length;
    this.wakeReader();
  }

  /** Removes and returns up to `max` records, oldest first. */
  take(max: number): KafkaRecord[] {
    const out: KafkaRecord[] = [];
    while (out.length < max && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const n = Math.min(max - out.length, chunk.length - this.head);
      for (let i = 0; i < n; i++) out.push(chunk[this.head + i]!);
      this.head += n;
      if (this.head >= chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.count -= out.length;
    if (!this.full) this.wakeFetcher();
    return out;
  }

  /** Resolves once records are buffered, after `timeoutMs`, or on `interrupt()`/`close()`. */
  waitForRecords(timeoutMs: number): Promise<void> {
    if (this.count > 0 || this.closed) return Promise.resolve();
    // One poll waits at a time (the source polls sequentially); a newer wait replaces an older one.
    this.wakeReader();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeReader(), timeoutMs);
      this.recordsWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Resolves once the buffer has room again, on `close()`, or after `timeoutMs` if given (the caller checks `full`). */
  waitForRoom(timeoutMs?: number): Promise<void> {
    if (!this.full || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.wakeFetcher(), timeoutMs);
      this.roomWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Ends a pending `waitForRecords` now (a failure the reader must see). */
  interrupt(): void {
    this.wakeReader();
  }

  /** Releases both waits for good. */
  close(): void {
    this.closed = true;
    this.wakeReader();
    this.wakeFetcher();
  }

  private wakeReader(): void {
    const wake = this.recordsWaiter;
    this.recordsWaiter = undefined;
    wake?.();
  }

  private wakeFetcher(): void {
    const wake = this.roomWaiter;
    this.roomWaiter = undefined;
    wake?.();
  }
}
