import type { JobHandle } from "../runtime/JobHandle.js";
import { allJobs, onJobStarted } from "../runtime/jobRegistry.js";
import { ApiUsageError } from "../errors/errors.js";

/**
 * Whatever shows jobs to a person (the notebook kernel). The engine tells it of every job that
 * starts and asks it to show a job again (`job.show()`); how is the host's business.
 */
export interface EngineHost {
  /**
   * A job started. Called synchronously inside `env.execute()`, in the caller's async context, so
   * a notebook host can attach the job to the cell that started it.
   */
  jobStarted(job: JobHandle): void;
  /**
   * `job.show()` was called: show the job's live status and views where the code runs now;
   * `details`: the whole job card (graph, rates, back-pressure, watermarks, checkpoints).
   */
  show(job: JobHandle, options?: { details?: boolean }): void;
}

/** What attaching gives the host back. */
export interface HostAttachment {
  /** All jobs of this process: running ones and the most recent finished ones, oldest first. */
  jobs(): readonly JobHandle[];
  /** Lets another host attach; the engine no longer calls this one. */
  detach(): void;
}

let attached: EngineHost | undefined;

/**
 * Makes `host` the engine's one host. Only one may be attached at a time, so code the host runs
 * (a notebook cell that imports this module) cannot silently take jobs away from it.
 */
export function attachHost(host: EngineHost): HostAttachment {
  if (attached !== undefined) throw new ApiUsageError("an engine host is already attached; detach it first");
  attached = host;
  const unsubscribe = onJobStarted((job) => host.jobStarted(job));
  return {
    jobs: allJobs,
    detach: () => {
      if (attached !== host) return;
      attached = undefined;
      unsubscribe();
    },
  };
}

/** The attached host, if any (for `job.show()`). */
export function liveHost(): EngineHost | undefined {
  return attached;
}
