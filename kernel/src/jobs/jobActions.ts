import type { JsonObject } from "../wire/messages.js";
import type { JobView } from "./jobPresenter.js";

/** The comm target the job card's buttons talk to (JupyterLab extension → kernel). */
export const JOB_COMM_TARGET = "sluice.jobs";

const ACTIONS = ["cancel", "savepoint", "stop"] as const;
type Action = (typeof ACTIONS)[number];

/**
 * Runs what a job card's button asks: `{ action, job, request?, savepoint? }` where `job` is the
 * card's job id (`data-sluice-job`, the job's status display id: unique, unlike names). Answers
 * `{ request, ok, message }` — never throws, so a bad message from the front end costs a reply, not
 * the comm. The same engine calls as `%jobs cancel` / `job.savepoint` / `%jobs stop`.
 */
export async function runJobAction(views: readonly JobView[], data: JsonObject): Promise<JsonObject> {
  const request = typeof data.request === "string" ? data.request : null;
  const reply = (ok: boolean, message: string): JsonObject => ({ request, ok, message });
  const action = data.action;
  if (typeof action !== "string" || !(ACTIONS as readonly string[]).includes(action)) return reply(false, `unknown action ${JSON.stringify(action)}; expected one of ${ACTIONS.join(", ")}`);
  const view = views.find((v) => v.statusId === data.job);
  if (view === undefined) return reply(false, `no job with id ${JSON.stringify(data.job)} in this kernel (restarted since the card was drawn?)`);
  const { job } = view;
  if (job.result !== undefined) return reply(false, `job "${job.name}" is already ${job.status}`);
  const name = typeof data.savepoint === "string" && data.savepoint !== "" ? data.savepoint : undefined;
  try {
    switch (action as Action) {
      case "cancel": {
        const r = await job.cancel();
        return reply(r.status === "cancelled", r.status === "cancelled" ? `job "${job.name}" cancelled` : `job "${job.name}" ${r.status} before the cancel took effect`);
      }
      case "savepoint": {
        const sp = await job.savepoint(name ?? `${job.name.replace(/[^\w.-]+/g, "-")}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
        return reply(true, `savepoint ${sp.id} of "${job.name}" written to ${sp.path}`);
      }
      case "stop": {
        const { result, savepoint } = await job.stop(name !== undefined ? { savepoint: name } : {});
        return reply(true, `job "${job.name}" ${result.status}${savepoint ? `; savepoint ${savepoint.id} at ${savepoint.path}` : ""}`);
      }
    }
  } catch (error) {
    return reply(false, `${action} of job "${job.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
