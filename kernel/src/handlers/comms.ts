import { log } from "../log.js";
import type { Handler } from "../session/services.js";

/** No comm targets are registered yet: say so cleanly, and close comms opened toward us. */
export const comm_info_request: Handler<"comm_info_request"> = async () => ({ content: { status: "ok", comms: {} } });

export const comm_open: Handler<"comm_open"> = async ({ msg, publish }) => {
  const { comm_id, target_name } = msg.content;
  log("info", "comm_open for unknown target; closing it", { target_name });
  await publish("comm_close", { comm_id, data: {} });
  return { content: {} };
};

/** comm_msg and comm_close for comms we never opened are ignored, as ipykernel does. */
export const comm_ignored: Handler<"comm_msg" | "comm_close"> = async () => ({ content: {} });
