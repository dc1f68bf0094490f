import type { Task } from "./Task.js";

/** Elements a task processes in a row before the scheduler moves on to the next task. */
export const STEPS_PER_TURN = 8;

/**
 * What a scheduler loop does after a turn (`JobRunner` and `WorkerLoop`'s `afterTurn`): another turn, yield
 * to the event loop (the time slice is used up), sleep until woken (nothing progressed), or end. Small
 * integers, so the loop that runs the turns does one compare per turn.
 */
export const AFTER_TURN = 0;
export const AFTER_YIELD = 1;
export const AFTER_SLEEP = 2;
export const AFTER_END = 3;

/**
 * A scheduler's async loop (`JobRunner` and `WorkerLoop`): `runSlice` runs turns synchronously until it says
 * to yield to the event loop (one `setImmediate`), to sleep until woken, or that the loop ends.
 */
export async function runSlices(runSlice: () => number, sleep: () => Promise<void>): Promise<void> {
  for (;;) {
    const next = runSlice();
    if (next === AFTER_END) return;
    if (next === AFTER_YIELD) await new Promise<void>((resolve) => setImmediate(resolve));
    else await sleep();
  }
}

/** What one pass over a thread's tasks did. */
export interface Turn {
  progressed: boolean;
  allFinished: boolean;
}

/** A task threw during a turn: the error and the task, for the job's failure. */
export class TurnFailure {
  constructor(
    readonly error: unknown,
    readonly task: Task,
  ) {}
}

/**
 * One scheduling pass, the same on the main thread (`JobRunner`) and on worker threads (`WorkerLoop`):
 * each task of `order` fires its due timers (unless `timers` is false: a stop is under way) and runs
 * up to STEPS_PER_TURN steps while it can. `order` is upstream first (topological): a batch a source
 * emits is taken by its consumers in the same turn, while still in the CPU's caches, and is garbage
 * before the next scavenge (RESULTS.md, session 9). `halted` is asked after each task (the job failed
 * meanwhile: stop at once). A task that throws ends the turn as a `TurnFailure` naming it.
 */
export function runTurn(order: readonly Task[], now: number, timers: boolean, halted: () => boolean, turn: Turn): Turn | TurnFailure {
  turn.progressed = false;
  turn.allFinished = true;
  for (let t = 0; t < order.length; t++) {
    const task = order[t] as Task;
    try {
      if (timers && task.fireTimers(now)) turn.progressed = true;
      let steps = 0;
      while (steps < STEPS_PER_TURN && task.canRun(now)) {
        task.runOnce(now);
        steps++;
      }
      if (steps > 0) turn.progressed = true;
    } catch (error) {
      return new TurnFailure(error, task);
    }
    if (!task.finished) turn.allFinished = false;
    if (halted()) return turn;
  }
  return turn;
}
