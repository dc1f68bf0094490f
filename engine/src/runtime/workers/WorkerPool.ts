import { type ResourceLimits, Worker } from "node:worker_threads";
import type { FromWorker, ToWorker } from "./protocol.js";
import { scavengeAloneWhenCoresFull } from "./scavenging.js";

/** What hears a pooled worker's messages for one job. */
export interface JobEndpoint {
  receive(message: FromWorker): void;
  /** The thread died: every job with subtasks on it fails. */
  died(cause: Error): void;
}

/**
 * A pool thread's young generation (V8's two semi-spaces and its new large-object space, MB): twice V8's
 * default of 48 (16 MB semi-spaces). A worker that exchanges records scavenges more often than the one
 * thread of p=1 for the same events, and what is alive at a scavenge (records between the router, the post
 * and the consumer, the window's newest panes) is copied and promoted: module q5 at p=2 spent 1.9x the
 * survived bytes of p=2 on one thread. With 96 MB a worker scavenges ~30 % less often, promotes less and
 * takes 7–9 % less process CPU on module q5 at p=2 (bench/nexmark/RESULTS.md "Session 18: q5same").
 * A floor, never a cut: V8 12 and later (Node 24) give a worker 192 MB by default, which is kept.
 */
export const WORKER_YOUNG_GENERATION_MB = 96;

/** The pool threads' resource limits: the young generation raised to WORKER_YOUNG_GENERATION_MB where V8's default is below it (V8 before 12: 48 MB). */
export function poolResourceLimits(v8Version: string = process.versions.v8): ResourceLimits {
  return Number.parseInt(v8Version, 10) < 12 ? { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } : {};
}

/**
 * A worker thread of the pool. Importing the engine costs a thread ~0.3 s of CPU (seconds on a busy
 * machine), so threads outlive jobs: the pool starts them on first use and keeps them; an idle one
 * does not keep the process alive. A thread hosts the subtasks of every job that uses it, each job's
 * messages tagged with its number.
 */
export class PooledWorker {
  private readonly worker: Worker;
  private readonly jobs = new Map<number, JobEndpoint>();

  constructor(private readonly index: number) {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { resourceLimits: poolResourceLimits() });
    this.worker.unref();
    this.worker.on("message", (message: FromWorker) => this.jobs.get(message.job)?.receive(message));
    this.worker.on("error", (error) => this.died(error));
    this.worker.on("exit", (code) => this.died(new Error(`exited with code ${code}`)));
  }

  attach(job: number, endpoint: JobEndpoint): void {
    this.jobs.set(job, endpoint);
    this.worker.ref(); // a running job keeps the process alive, as on the main thread
  }

  detach(job: number): void {
    if (!this.jobs.delete(job)) return;
    this.post({ type: "end", job });
    if (this.jobs.size === 0) this.worker.unref();
  }

  post(message: ToWorker, transfer?: readonly import("node:worker_threads").TransferListItem[]): void {
    this.worker.postMessage(message, transfer);
  }

  /** The thread's V8 limits (Node's `Worker.resourceLimits`). */
  get resourceLimits(): ResourceLimits {
    return this.worker.resourceLimits ?? {};
  }

  /** Ends the thread at once, as a crash would (`terminatePoolThread`). */
  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private died(cause: Error): void {
    if (pool[this.index] === this) pool[this.index] = undefined;
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.died(cause);
  }
}

const pool: (PooledWorker | undefined)[] = [];
let started = 0;
let nextJob = 1;

/** The first `n` threads of the pool, started as needed (a dead one is replaced). */
export function poolWorkers(n: number): PooledWorker[] {
  for (let i = 0; i < n; i++) {
    if (pool[i] === undefined) {
      pool[i] = new PooledWorker(i);
      started++;
    }
  }
  scavengeAloneWhenCoresFull(pool.filter((t) => t !== undefined).length);
  return pool.slice(0, n) as PooledWorker[];
}

/** Ends pool thread `index` abruptly, as a crash would: fault injection, for tests of a dying worker. */
export async function terminatePoolThread(index: number): Promise<void> {
  await pool[index]?.terminate();
}

/** A number for a new job attempt on the pool. */
export function newPoolJob(): number {
  return nextJob++;
}

/** Worker threads started by this process so far, and job attempts run on them (how a test tells a job ran on workers). */
export function workerStats(): { threads: number; jobs: number } {
  return { threads: started, jobs: nextJob - 1 };
}
