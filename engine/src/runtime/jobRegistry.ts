import type { JobHandle } from "./JobHandle.js";

/**
 * Every job started in this process, whatever environment started it, so a host (the notebook
 * kernel) can show jobs as they start, list them and stop them all at shutdown. Kept on
 * globalThis so every copy of the engine module in the process shares it.
 */
interface Registry {
  jobs: JobHandle[];
  listeners: Set<(job: JobHandle) => void>;
}

const KEY = Symbol.for("sluice.jobRegistry");
/** Finished jobs kept for listing; running jobs are always kept. */
const KEEP_FINISHED = 50;

function registry(): Registry {
  const g = globalThis as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { jobs: [], listeners: new Set() });
}

export function registerJob(job: JobHandle): void {
  const r = registry();
  r.jobs.push(job);
  const finished = r.jobs.filter((j) => j.result !== undefined);
  if (finished.length > KEEP_FINISHED) {
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED));
    r.jobs = r.jobs.filter((j) => !drop.has(j));
  }
  // Listeners run synchronously inside env.execute(), in the caller's async context: a notebook
  // host uses that to attach the job's output to the cell that started it.
  for (const listener of r.listeners) listener(job);
}

/** All jobs of this process: running ones and the most recent finished ones, oldest first. */
export function allJobs(): readonly JobHandle[] {
  return registry().jobs;
}

/** Calls `listener` for every job started from now on; returns the unsubscribe function. */
export function onJobStarted(listener: (job: JobHandle) => void): () => void {
  registry().listeners.add(listener);
  return () => registry().listeners.delete(listener);
}
