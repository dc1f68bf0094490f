import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";

/**
 * V8 scavenges (collects the young generation) in parallel by default: the isolate's own thread and tasks
 * on V8's helper threads (Node starts 4) copy the survivors together. That pays while other cores are idle.
 * Once the pool holds a thread per core, every core runs a job's subtasks: a worker's scavenge tasks take
 * the core of the other worker, which then waits in the run queue, and the scavenging worker waits for
 * tasks that cannot run. So the process turns parallel scavenging off then (V8 reads the flag at every
 * scavenge, in every isolate). Nexmark at p=2 on 2 cores, 5 alternated runs of the harness: medians up
 * 2–7 % for every query of SQL and job modules (bench/nexmark/RESULTS.md "Session 19: scavenging alone").
 * It stays off while the threads live (they outlive jobs); main-thread jobs at p=1 showed no difference.
 */
let alone = false;

/** Turns V8's parallel scavenging off for the process once `threads` pool threads fill the machine's `cores`; whether it is off. */
export function scavengeAloneWhenCoresFull(threads: number, cores: number = availableParallelism()): boolean {
  if (!alone && threads >= cores) {
    setFlagsFromString("--no-parallel-scavenge");
    alone = true;
  }
  return alone;
}
