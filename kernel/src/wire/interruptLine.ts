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

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)) {
    this.slots = new Int32Array(buffer);
  }

  /** Worker: one more interrupt; returns its number. */
  request(): number {
    return Atomics.add(this.slots, REQUESTED, 1) + 1;
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
