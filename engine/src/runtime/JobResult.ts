import type { SluiceError } from "../errors/errors.js";
import type { JobMetrics } from "./JobMetrics.js";

/**
 * How a job ended. `job.done` always resolves to one of these and never rejects, so a job nobody
 * awaits cannot crash the process with an unhandled rejection. Use `job.wait()` to get a promise that
 * rejects with the job's error instead.
 */
export interface JobResult {
  jobName: string;
  status: "finished" | "failed" | "cancelled";
  /** Set when status is `failed`: a typed error naming job, operator, key and record where known. */
  error: SluiceError | undefined;
  metrics: JobMetrics;
}
