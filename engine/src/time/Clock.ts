/**
 * Processing time comes from a Clock passed into the environment, so tests can drive it
 * (see `ManualClock` in testing/) and jobs never read `Date.now()` directly.
 */
export interface Clock {
  /** Current processing time in epoch milliseconds. */
  now(): number;
  /**
   * Calls `callback` once `now() >= at`. Returns a function that cancels the wake-up.
   * The callback may run synchronously inside a manual clock's `advance()`.
   */
  wakeAt(at: number, callback: () => void): () => void;
}

/** Wall-clock time backed by `Date.now()` and `setTimeout`. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  wakeAt(at: number, callback: () => void): () => void {
    const delay = Math.max(0, at - Date.now());
    // Not unref'd on purpose: a running job keeps a plain Node script alive until it finishes or
    // is cancelled, like any other pending I/O.
    const handle = setTimeout(callback, Math.min(delay, 2_147_483_647));
    return () => clearTimeout(handle);
  }
}
