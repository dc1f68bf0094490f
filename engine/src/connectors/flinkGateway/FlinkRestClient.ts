/**
 * The few calls of the JobManager's REST API (the dashboard's port) that the SQL path needs: a
 * job's state, and cancel — the only way to stop the job of a SELECT run through the gateway.
 */
import { FlinkGatewayError } from "./errors.js";
import { callJson, type HttpOptions } from "./http.js";

/** Flink's JobStatus names. */
export type JobState = "INITIALIZING" | "CREATED" | "RUNNING" | "FAILING" | "FAILED" | "CANCELLING" | "CANCELED" | "FINISHED" | "RESTARTING" | "SUSPENDED" | "RECONCILING";

export interface JobDetails {
  jid: string;
  name: string;
  state: JobState;
  [key: string]: unknown;
}

export class FlinkRestClient {
  readonly url: string;
  readonly options: HttpOptions;
  constructor(url: string, options: HttpOptions = {}) {
    this.url = url.replace(/\/+$/, "");
    this.options = options;
  }

  job(jobId: string): Promise<JobDetails> {
    return callJson(this.url, "GET", `/jobs/${jobId}`, this.options, undefined, `job ${jobId}`);
  }

  /** Every job the cluster knows, with its state. */
  async jobs(): Promise<{ id: string; status: JobState }[]> {
    const { jobs } = await callJson<{ jobs: { id: string; status: JobState }[] }>(this.url, "GET", "/jobs", this.options, undefined, "list jobs");
    return jobs;
  }

  /** Asks Flink to cancel the job (answers at once; the job passes CANCELLING → CANCELED). */
  async cancelJob(jobId: string): Promise<void> {
    await callJson(this.url, "PATCH", `/jobs/${jobId}?mode=cancel`, this.options, undefined, `cancel job ${jobId}`);
  }

  /** Polls the job until it is in one of `states`; throws with the last state after `timeoutMs`. */
  async waitForState(jobId: string, states: readonly JobState[], timeoutMs = 30_000): Promise<JobDetails> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const details = await this.job(jobId);
      if (states.includes(details.state)) return details;
      if (Date.now() > deadline) throw new FlinkGatewayError(`Flink job ${jobId} is ${details.state}, not ${states.join("/")}, after ${timeoutMs} ms`, { url: `${this.url}/jobs/${jobId}` });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
