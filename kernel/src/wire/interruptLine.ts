const REQUESTED = 0;
const HANDLED = 1;
const IN_CELL_CODE = 2;

/**
 * Interrupts counted in memory shared by the control worker and the main thread. The worker
 * counts an interrupt_request, so the main thread sees one that arrived while it was busy
 * (compiling a cell) before any message could reach it; it raises SIGINT only while cell code runs
 * under vm's breakOnSigint (the main thread says when), and again while the interrupt is not
 * handled, because cell code that starts after the first SIGINT (the stretch after an await, or
 * a cell that was still compiling) would otherwise run on unstopped.
 */
export class InterruptLine {
  private readonly slots: Int32Array;
  /** when the client sent the latest interrupt_request (ms since the epoch, its header's date) */
  private readonly sentAt: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT + BigInt64Array.BYTES_PER_ELEMENT)) {
    this.slots = new Int32Array(buffer, 0, 4);
    this.sentAt = new BigInt64Array(buffer, 4 * Int32Array.BYTES_PER_ELEMENT, 1);
  }

  /** Worker: one more interrupt, sent by the client at `sentAt` (ms); returns its number. */
  request(sentAt: number): number {
    Atomics.store(this.sentAt, 0, BigInt(Number.isFinite(sentAt) ? Math.trunc(sentAt) : 0));
    return Atomics.add(this.slots, REQUESTED, 1) + 1;
  }

  /**
   * Main thread, when a request sent at `sentAt` starts: the interrupt count it must compare
   * with. An interrupt the client sent after the request and nobody has handled yet is the
   * request's own, even if it overtook the request (it travels on another socket and thread).
   */
  since(sentAt: number): number {
    const requested = this.requested();
    const latest = Number(Atomics.load(this.sentAt, 0));
    if (this.pending() && Number.isFinite(sentAt) && latest >= sentAt) return requested - 1;
    // Older ones (an interrupt of an idle kernel) are nobody's: the worker must not raise them now.
    Atomics.store(this.slots, HANDLED, requested);
    return requested;
  }

  /** How many interrupts were requested so far (compare two readings to see if one came between). */
  requested(): number {
    return Atomics.load(this.slots, REQUESTED);
  }

  /** Main thread: every interrupt requested so far has done its work (the cell ended, or none ran). */
  settle(): void {
    Atomics.store(this.slots, HANDLED, Atomics.load(this.slots, REQUESTED));
  }

  /** An interrupt was requested and the main thread has not yet said it was handled. */
  pending(): boolean {
    return Atomics.load(this.slots, HANDLED) < Atomics.load(this.slots, REQUESTED);
  }

  /** Main thread: cell code starts (or stops) running inside vm with breakOnSigint. */
  enterCellCode(): void {
    Atomics.add(this.slots, IN_CELL_CODE, 1);
  }

  leaveCellCode(): void {
    Atomics.sub(this.slots, IN_CELL_CODE, 1);
  }

  /** Worker: a SIGINT now stops cell code; at any other time it would reach no running code. */
  inCellCode(): boolean {
    return Atomics.load(this.slots, IN_CELL_CODE) > 0;
  }
}
