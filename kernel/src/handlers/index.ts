import type { Handler, RawRequest, Reply } from "../session/services.js";
import { decoders, type RequestType } from "../wire/protocol.js";
import { comm_close, comm_info_request, comm_msg, comm_open } from "./comms.js";
import { complete_request } from "./completeRequest.js";
import { execute_request } from "./executeRequest.js";
import { history_request } from "./historyRequest.js";
import { inspect_request } from "./inspectRequest.js";
import { is_complete_request } from "./isCompleteRequest.js";
import { kernel_info_request } from "./kernelInfoRequest.js";
import { shutdown_request } from "./shutdownRequest.js";

/** A handler behind its content decoder: a malformed content throws MalformedContentError, an error reply. */
export type Route = (request: RawRequest) => Promise<Reply>;

function route<K extends RequestType>(type: K, handler: Handler<K>): [K, Route] {
  return [type, (request) => handler({ ...request, msg: { ...request.msg, content: decoders[type](request.msg.content) } })];
}

/**
 * Handlers are named exactly after the msg_type they answer, as in ipykernel. A Map, not an
 * object literal: msg_type comes off the wire, and `constructor` or `toString` must be unknown
 * types, not the members every object inherits.
 */
export const handlers: ReadonlyMap<string, Route> = new Map<string, Route>([
  route("kernel_info_request", kernel_info_request),
  route("execute_request", execute_request),
  route("complete_request", complete_request),
  route("inspect_request", inspect_request),
  route("is_complete_request", is_complete_request),
  route("history_request", history_request),
  route("comm_info_request", comm_info_request),
  route("comm_open", comm_open),
  route("comm_msg", comm_msg),
  route("comm_close", comm_close),
  route("shutdown_request", shutdown_request),
]);

/** Messages the protocol answers with iopub traffic only. */
export const noReply: ReadonlySet<string> = new Set(["comm_open", "comm_msg", "comm_close"]);
