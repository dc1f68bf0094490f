import type { JobHandle } from "../runtime/JobHandle.js";
import { executeModuleJob } from "../runtime/workers/moduleJob.js";
import { jobModuleUrl } from "../runtime/workers/moduleSource.js";
import type { EnvironmentOptions } from "./StreamEnvironment.js";

/** Options of `executeModule()`. */
export interface ExecuteModuleOptions<A> extends Pick<EnvironmentOptions, "parallelism" | "maxParallelism" | "batchSize" | "errorPolicy"> {
  /** The job's name (as `env.execute(jobName)`); default the export's name. */
  readonly jobName?: string;
  /** Plain data (structured-cloneable) handed to the declaring function on every thread. */
  readonly args?: A;
  /** Checkpoints and savepoints go here (as `env.enableCheckpointing({ directory })`). */
  readonly checkpoints?: string;
  /** As `env.execute`'s: `"latest"`, a savepoint name or a checkpoint file. */
  readonly restoreFrom?: string;
}

/** The running job, and what the declaring function returned on this thread (its sinks, to read results from). */
export interface ModuleJob<R> {
  readonly job: JobHandle;
  readonly declared: R;
}

/**
 * Runs a job declared in a module, whose subtasks run on worker threads when `parallelism` > 1 (a job
 * declared in a cell runs on one thread: its functions are closures that cannot move to another).
 * The module exports `declare(env, args)`; this thread and every worker import it and call it on a
 * fresh environment, so each plans the same job. `module` is a path (relative to the notebook's
 * folder) or file URL of a `.ts` file (compiled for the workers) or of JavaScript; it may import
 * "sluice" and packages, but not other local `.ts` files.
 *
 * @example
 * const { job, declared } = await executeModule<{ counts: CollectSink<[string, number]> }, { words: string[] }>("./wordcount.ts", "wordCount", { parallelism: 2, args: { words: ["a", "b", "a"] } });
 * await job.wait();
 * declared.counts.values;
 */
export async function executeModule<R, A = unknown>(module: string | URL, exportName: string, options: ExecuteModuleOptions<A> = {}): Promise<ModuleJob<R>> {
  const { jobName, args, checkpoints, restoreFrom, ...environment } = options;
  return executeModuleJob<R>(jobModuleUrl(module), exportName, jobName ?? exportName, {
    environment,
    args,
    ...(checkpoints !== undefined ? { checkpoints } : {}),
    ...(restoreFrom !== undefined ? { restoreFrom } : {}),
  });
}
