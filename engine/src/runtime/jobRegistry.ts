import type { JobHandle } from "./JobHandle.js";

/**
 * Every job started in this process, whatever environment started it, so a host (the notebook
 * kernel) can show jobs as they start, list them and stop them all at shutdown. Module state: the
 * kernel and its cells share one instance of the engine (see engine/src/host.ts).
 */
let jobs: JobHandle[] = [];
const listeners = new Set<(job: JobHandle) => void>();
/** Finished jobs kept for listing; running jobs are always kept. */
const KEEP_FINISHED = 50;

export function registerJob(job: JobHandle): void {
  jobs.push(job);
  const finished = jobs.filter((j) => j.result !== undefined);
  if (finished.length > KEEP_FINISHED) {
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED));
    jobs = jobs.filter((j) => !drop.has(j));
  }
  // Listeners run synchronously inside env.execute(), in the caller's async context: a notebook
  // host uses that to attach the job's output to the cell that started it.
  for (const listener of listeners) listener(job);
}

/** All jobs of this process: running ones and the most recent finished ones, oldest first. */
export function allJobs(): readonly JobHandle[] {
  return jobs;
}

/** Calls `listener` for every job started from now on; returns the unsubscribe function. */
export function onJobStarted(listener: (job: JobHandle) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
