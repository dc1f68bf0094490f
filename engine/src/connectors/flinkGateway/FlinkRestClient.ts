/**
 * The few calls of the JobManager's REST API (the dashboard's port) that the SQL path needs: a
 * job's state, and cancel — the only way to stop the job of a SELECT run through the gateway.
 */
import { FlinkGatewayError, flinkRootCause } from "./errors.js";
import { callJson, type HttpOptions } from "./http.js";

/** Flink's JobStatus names. */
export type JobState = "INITIALIZING" | "CREATED" | "RUNNING" | "FAILING" | "FAILED" | "CANCELLING" | "CANCELED" | "FINISHED" | "RESTARTING" | "SUSPENDED" | "RECONCILING";

export interface JobDetails {
  jid: string;
  name: string;
  state: JobState;
  "start-time"?: number;
  duration?: number;
  vertices?: { id: string; name: string; parallelism: number; status: string; metrics?: Record<string, number | boolean> }[];
  plan?: JobPlan;
  [key: string]: unknown;
}

/** Records into a job (what its sources emitted) and out of it (what its last vertex received). */
export function jobRecords(details: JobDetails): { recordsIn: number; recordsOut: number } {
  const vertices = details.vertices ?? [];
  const num = (v: (typeof vertices)[number] | undefined, key: string) => Number(v?.metrics?.[key] ?? 0);
  const sources = vertices.filter((v) => /^Source:/.test(v.name));
  // A job chained into one vertex has no network input or output: Flink reports 0 for both.
  return { recordsIn: sources.reduce((a, v) => a + num(v, "write-records"), 0), recordsOut: vertices.length > 1 ? num(vertices.at(-1), "read-records") : 0 };
}

/** `GET /jobs/:id/vertices/:vid/backpressure` (the fields the job card reads). */
export interface VertexBackPressure {
  status: "ok" | "deprecated";
  backpressureLevel?: "ok" | "low" | "high";
  subtasks?: { subtask: number; backpressureLevel: string; ratio: number; busyRatio?: number; idleRatio?: number }[];
}

/** `GET /jobs/:id/checkpoints` (the fields the job card reads). */
export interface JobCheckpoints {
  counts: { completed: number; failed: number; in_progress: number; restored: number; total: number };
  history: {
    id: number;
    status: "COMPLETED" | "IN_PROGRESS" | "FAILED";
    is_savepoint: boolean;
    trigger_timestamp: number;
    end_to_end_duration: number;
    checkpointed_size?: number;
    external_path?: string;
    failure_message?: string;
  }[];
}

/** `GET /jobs/:id`'s plan: the job graph's vertices (chains) and their inputs. */
export interface JobPlan {
  nodes: { id: string; parallelism: number; description?: string; inputs?: { id: string; ship_strategy: string }[] }[];
}

export interface SavepointResult {
  /** Where the savepoint was written: `SET 'execution.savepoint.path' = '<location>'` resumes from it. */
  location: string;
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

  /** A vertex's back-pressure as the dashboard samples it (Flink ≥ 1.13: from busy/idle/back-pressured time). */
  backPressure(jobId: string, vertexId: string): Promise<VertexBackPressure> {
    return callJson(this.url, "GET", `/jobs/${jobId}/vertices/${vertexId}/backpressure`, this.options, undefined, `back-pressure of job ${jobId}`);
  }

  /** Each subtask's current input watermark (`<subtask>.currentInputWatermark`, Long.MIN_VALUE before the first). */
  watermarks(jobId: string, vertexId: string): Promise<{ id: string; value: string }[]> {
    return callJson(this.url, "GET", `/jobs/${jobId}/vertices/${vertexId}/watermarks`, this.options, undefined, `watermarks of job ${jobId}`);
  }

  checkpoints(jobId: string): Promise<JobCheckpoints> {
    return callJson(this.url, "GET", `/jobs/${jobId}/checkpoints`, this.options, undefined, `checkpoints of job ${jobId}`);
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

  /**
   * Stop with savepoint (`flink stop`): sources stop, a savepoint is taken, the job ends FINISHED.
   * `drain` first advances event time to the end (fires every window). Waits for the savepoint.
   */
  async stopWithSavepoint(jobId: string, options: { targetDirectory?: string; drain?: boolean; timeoutMs?: number } = {}): Promise<SavepointResult> {
    const body = { drain: options.drain ?? false, ...(options.targetDirectory === undefined ? {} : { targetDirectory: options.targetDirectory }) };
    const { "request-id": request } = await callJson<{ "request-id": string }>(this.url, "POST", `/jobs/${jobId}/stop`, this.options, body, `stop job ${jobId}`);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const answer = await callJson<{ status: { id: string }; operation?: { location?: string; "failure-cause"?: { "stack-trace"?: string; "serialized-throwable"?: string } } }>(
        this.url,
        "GET",
        `/jobs/${jobId}/savepoints/${request}`,
        this.options,
        undefined,
        `savepoint of job ${jobId}`,
      );
      if (answer.status.id === "COMPLETED") {
        const failure = answer.operation?.["failure-cause"];
        if (failure !== undefined || answer.operation?.location === undefined)
          throw new FlinkGatewayError(`stop with savepoint of Flink job ${jobId} failed: ${flinkRootCause([failure?.["stack-trace"] ?? "no savepoint location"])}`, {
            url: `${this.url}/jobs/${jobId}`,
            errors: [failure?.["stack-trace"] ?? ""],
          });
        return { location: answer.operation.location };
      }
      if (Date.now() > deadline)
        throw new FlinkGatewayError(`stop with savepoint of Flink job ${jobId} still in progress after ${options.timeoutMs ?? 60_000} ms`, { url: `${this.url}/jobs/${jobId}` });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
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
