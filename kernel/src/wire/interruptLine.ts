const REQUESTED = 0;
const HANDLED = 1;

/**
 * Interrupts counted in memory shared by the control worker and the main thread. The worker
 * counts an interrupt_request before it raises SIGINT, so the main thread can see one that
 * arrived while it was busy (compiling a cell) even though its own SIGINT listener has not run
 * yet; and the worker raises SIGINT again until the main thread says the interrupt was handled,
 * because a SIGINT that lands between two stretches of a cell's code (see interruptibleAsync.ts)
 * reaches nothing that can stop the next stretch.
 */
export class InterruptLine {
  private readonly slots: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)) {
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
}
