import type { Handler } from "../session/services.js";
import { comm_ignored, comm_info_request, comm_open } from "./comms.js";
import { complete_request } from "./completeRequest.js";
import { execute_request } from "./executeRequest.js";
import { history_request } from "./historyRequest.js";
import { inspect_request } from "./inspectRequest.js";
import { is_complete_request } from "./isCompleteRequest.js";
import { kernel_info_request } from "./kernelInfoRequest.js";
import { shutdown_request } from "./shutdownRequest.js";

/** Handlers are named exactly after the msg_type they answer, as in ipykernel. */
export const handlers: Record<string, Handler> = {
  kernel_info_request,
  execute_request,
  complete_request,
  inspect_request,
  is_complete_request,
  history_request,
  comm_info_request,
  comm_open,
  comm_msg: comm_ignored,
  comm_close: comm_ignored,
  shutdown_request,
};

/** Messages the protocol answers with iopub traffic only. */
export const noReply = new Set(["comm_open", "comm_msg", "comm_close"]);
