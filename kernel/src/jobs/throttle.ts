/**
 * Runs `fn` at most once per interval, the first call at once and the last call always (so the
 * final state is never lost). Used to keep live updates at a few per second whatever the job's rate.
 */
export class Throttle {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fn: () => void,
    private readonly intervalMs: () => number,
  ) {}

  call(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs() - Date.now();
    if (wait <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), wait);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.cancel();
    this.last = Date.now();
    this.fn();
  }
}
