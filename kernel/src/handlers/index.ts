import type { Handler } from "../session/services.js";
import { comm_ignored, comm_info_request, comm_open } from "./comms.js";
import { complete_request } from "./completeRequest.js";
import { execute_request } from "./executeRequest.js";
import { history_request } from "./historyRequest.js";
import { inspect_request } from "./inspectRequest.js";
import { is_complete_request } from "./isCompleteRequest.js";
import { kernel_info_request } from "./kernelInfoRequest.js";
import { shutdown_request } from "./shutdownRequest.js";

/**
 * Handlers are named exactly after the msg_type they answer, as in ipykernel. A Map, not an
 * object literal: msg_type comes off the wire, and `constructor` or `toString` must be unknown
 * types, not the members every object inherits.
 */
export const handlers: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ["kernel_info_request", kernel_info_request],
  ["execute_request", execute_request],
  ["complete_request", complete_request],
  ["inspect_request", inspect_request],
  ["is_complete_request", is_complete_request],
  ["history_request", history_request],
  ["comm_info_request", comm_info_request],
  ["comm_open", comm_open],
  ["comm_msg", comm_ignored],
  ["comm_close", comm_ignored],
  ["shutdown_request", shutdown_request],
]);

/** Messages the protocol answers with iopub traffic only. */
export const noReply: ReadonlySet<string> = new Set(["comm_open", "comm_msg", "comm_close"]);
