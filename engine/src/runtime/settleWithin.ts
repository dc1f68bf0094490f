import type { Clock } from "../time/Clock.js";

/**
 * Waits for `promise` at most `ms` of `clock` time; resolves true if it settled (either way), false
 * if it did not in time. A job that fails or is cancelled waits for its sinks' writes, commits and
 * closes before it ends (or restarts); one that never settles (a request to a dead broker with no
 * timeout of its own) must not hold the job forever, as Flink's `task.cancellation.timeout`.
 */
export function settleWithin(clock: Clock, ms: number, promise: Promise<unknown>): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let cancelTimer = (): void => undefined;
    const settle = (settled: boolean) => {
      cancelTimer();
      resolve(settled);
    };
    promise.then(
      () => settle(true),
      () => settle(true),
    );
    cancelTimer = clock.wakeAt(clock.now() + ms, () => settle(false));
  });
}
