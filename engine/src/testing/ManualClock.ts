import type { Clock } from "../time/Clock.js";

/**
 * A clock that only moves when told to. Wake-ups registered by the job fire synchronously inside
 * `advance()` / `setTime()`; await `job.whenIdle()` afterwards to let the job react.
 *
 * @example
 * const clock = new ManualClock(0);
 * const env = StreamEnvironment.create({ clock });
 * const job = env.execute();
 * clock.advance(Time.seconds(10));
 * await job.whenIdle();
 */
export class ManualClock implements Clock {
  private time: number;
  private wakeUps: { at: number; callback: () => void }[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  wakeAt(at: number, callback: () => void): () => void {
    const entry = { at, callback };
    if (at <= this.time) {
      queueMicrotask(callback);
      return () => {};
    }
    this.wakeUps.push(entry);
    return () => {
      this.wakeUps = this.wakeUps.filter((w) => w !== entry);
    };
  }

  advance(ms: number): void {
    this.setTime(this.time + ms);
  }

  setTime(time: number): void {
    if (time < this.time) throw new RangeError(`ManualClock cannot go back from ${this.time} to ${time}`);
    this.time = time;
    const due = this.wakeUps.filter((w) => w.at <= time);
    this.wakeUps = this.wakeUps.filter((w) => w.at > time);
    for (const w of due) w.callback();
  }
}
