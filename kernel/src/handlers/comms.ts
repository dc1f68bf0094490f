import { JOB_COMM_TARGET, runJobAction } from "../jobs/jobActions.js";
import { log } from "../log.js";
import type { Handler } from "../session/services.js";

/** Comms open toward this kernel, by id: only the job card's target is served. */
const open = new Map<string, string>();

export const comm_info_request: Handler<"comm_info_request"> = async () => ({
  content: { status: "ok", comms: Object.fromEntries([...open].map(([id, target_name]) => [id, { target_name }])) },
});

/** Opens a comm to `sluice.jobs` (the job card's buttons); any other target is closed at once, as before. */
export const comm_open: Handler<"comm_open"> = async ({ msg, publish }) => {
  const { comm_id, target_name } = msg.content;
  if (target_name === JOB_COMM_TARGET) {
    open.set(comm_id, target_name);
    return { content: {} };
  }
  log("info", "comm_open for unknown target; closing it", { target_name });
  await publish("comm_close", { comm_id, data: {} });
  return { content: {} };
};

/**
 * A job action from a card's button, answered on the comm when done. Not awaited here: a stop with
 * savepoint can take a while, and the shell channel must go on serving cells meanwhile. Messages on
 * comms we never opened are ignored, as ipykernel does.
 */
export const comm_msg: Handler<"comm_msg"> = async ({ msg, services, publish }) => {
  const { comm_id, data } = msg.content;
  if (open.get(comm_id) !== JOB_COMM_TARGET) return { content: {} };
  void runJobAction(services.jobs.list(), data)
    .then(async (answer) => {
      if (answer.ok !== true) log("warn", "job action refused", { comm_id, ...answer });
      await publish("comm_msg", { comm_id, data: answer });
    })
    .catch((error: unknown) => log("error", "job action reply failed", { comm_id, error: String(error) }));
  return { content: {} };
};

export const comm_close: Handler<"comm_close"> = async ({ msg }) => {
  open.delete(msg.content.comm_id);
  return { content: {} };
};
