/**
 * How many warm-up events a Nexmark run gets at a parallelism (run.ts). V8 compiles per isolate: at p=2 each
 * worker sees half the warm-up's events and polls, so code that runs once per poll or per turn becomes hot
 * inside the timed jobs there and its TurboFan compiles run on the workers' cores (RESULTS.md, "Session 18:
 * warmiso"). Counted per subtask, every subtask gets the same warm-up at every parallelism; the JVM's JIT
 * is process-wide, so Flink is as warm either way, and it gets the same count so the protocol stays identical.
 */

/** `subtask`: `--warmup` events per subtask (`warmup × p` per run); `process`: `--warmup` events per run, whatever p (before session 18). */
export type WarmupPer = "subtask" | "process";

export function parseWarmupPer(text: string): WarmupPer {
  if (text === "subtask" || text === "process") return text;
  throw new Error(`--warmup-per must be subtask or process, not '${text}'`);
}

/** The warm-up events of one run at `parallelism`, given `--warmup` and `--warmup-per`. */
export function warmupEvents(warmup: number, parallelism: number, per: WarmupPer): number {
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup must be a whole number of events, not ${warmup}`);
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new Error(`parallelism must be a whole number of at least 1, not ${parallelism}`);
  return per === "subtask" ? warmup * parallelism : warmup;
}
