/**
 * How long this process's threads ran and how long they were runnable but waited for a CPU, from Linux's
 * per-thread scheduler counters (`/proc/self/task/<tid>/schedstat`: ns on a CPU, ns waiting on a run
 * queue, time slices). Wall time at p=2 on two cores says as much about the other processes as about the
 * job: session 16 (RESULTS.md, "parq1") found module q1 at p2/p1 1.9 in wall time with the machine to
 * itself where a run with other work about gave 1.41, both with the same CPU per event. The wait counter
 * tells a reader which of the two a run was: the job's threads either ran or queued for a core.
 */
import { readdirSync, readFileSync } from "node:fs";

/** One thread's counters, nanoseconds. */
export interface ThreadTime {
  readonly run: number;
  readonly wait: number;
}

/** A schedstat line's first two fields (run and wait ns), or undefined if it is not one. */
export function parseSchedstat(line: string): ThreadTime | undefined {
  const [run, wait] = line.trim().split(/\s+/).map(Number);
  if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait)) return undefined;
  return { run, wait };
}

/** Every live thread's counters by thread id; undefined where there is no /proc (not Linux). */
export function threadTimes(): Map<string, ThreadTime> | undefined {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return undefined;
  }
  const times = new Map<string, ThreadTime>();
  for (const tid of tids) {
    let line: string;
    try {
      line = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8");
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const t = parseSchedstat(line);
    if (t !== undefined) times.set(tid, t);
  }
  return times;
}

/** What happened between two readings: seconds run and waited, summed over threads (one born between counts from 0). */
export function timeBetween(before: Map<string, ThreadTime>, after: Map<string, ThreadTime>): { runSeconds: number; waitSeconds: number } {
  let run = 0;
  let wait = 0;
  for (const [tid, t] of after) {
    const b = before.get(tid);
    run += t.run - (b?.run ?? 0);
    wait += t.wait - (b?.wait ?? 0);
  }
  return { runSeconds: run / 1e9, waitSeconds: wait / 1e9 };
}
