import type { HistoryQuery } from "../history/historyStore.js";
import type { JsonObject } from "./messages.js";

/**
 * The contents of the Jupyter messages this kernel reads and writes (messaging protocol 5.3), one
 * interface per message, as tslab's jupyter.ts has them. Request contents come off the wire, so
 * each is read by a decoder that checks what the handler relies on; what the kernel sends is
 * typed by message type (`IopubContents`, `Replies`), so a wrong field is a compile error.
 */

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: Record<string, string>;
  allow_stdin: boolean;
  stop_on_error: boolean;
}
export interface CompleteRequest {
  code: string;
  /** In code points; undefined means the end of the code. */
  cursor_pos: number | undefined;
}
export type InspectRequest = CompleteRequest;
export interface IsCompleteRequest {
  code: string;
}
export interface ShutdownRequest {
  restart: boolean;
}
export interface CommOpen {
  comm_id: string;
  target_name: string;
}
export interface CommMsg {
  comm_id: string;
  data: JsonObject;
}
export interface InputReply {
  value: string;
}
export type Empty = Record<string, never>;

/** Every request a handler answers, by msg_type. */
export interface Requests {
  kernel_info_request: Empty;
  execute_request: ExecuteRequest;
  complete_request: CompleteRequest;
  inspect_request: InspectRequest;
  is_complete_request: IsCompleteRequest;
  history_request: HistoryQuery;
  comm_info_request: Empty;
  comm_open: CommOpen;
  comm_msg: CommMsg;
  comm_close: CommMsg;
  shutdown_request: ShutdownRequest;
}
export type RequestType = keyof Requests;

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}
export type ErrorReply = { status: "error" } & ErrorContent;
export interface AbortedReply {
  status: "aborted";
}
export type MimeData = Record<string, unknown>;

export type ExecuteReply =
  | { status: "ok"; execution_count: number; payload: JsonObject[]; user_expressions: Record<string, UserExpressionResult> }
  | ({ status: "error"; execution_count?: number } & ErrorContent);
export type UserExpressionResult = { status: "ok"; data: MimeData; metadata: JsonObject } | ErrorReply;
export interface CompleteReply {
  status: "ok";
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: JsonObject;
}
export type InspectReply = { status: "ok"; found: false; data: MimeData; metadata: JsonObject } | { status: "ok"; found: true; data: MimeData; metadata: JsonObject };
export type IsCompleteReply = { status: "complete" | "invalid" } | { status: "incomplete"; indent: string };
export interface HistoryReply {
  status: "ok";
  history: unknown[];
}
export interface KernelInfoReply {
  status: "ok";
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: {
    name: string;
    version: string;
    mimetype: string;
    file_extension: string;
    codemirror_mode: string;
    pygments_lexer: string;
    nbconvert_exporter: string;
  };
  banner: string;
  debugger: boolean;
  help_links: { text: string; url: string }[];
}
export interface CommInfoReply {
  status: "ok";
  comms: Record<string, { target_name: string }>;
}
export interface ShutdownReply {
  status: "ok";
  restart: boolean;
}

/** The reply content to each request (comm_open/msg/close get none on the wire). */
export interface Replies {
  kernel_info_request: KernelInfoReply;
  execute_request: ExecuteReply;
  complete_request: CompleteReply;
  inspect_request: InspectReply;
  is_complete_request: IsCompleteReply;
  history_request: HistoryReply;
  comm_info_request: CommInfoReply;
  comm_open: Empty;
  comm_msg: Empty;
  comm_close: Empty;
  shutdown_request: ShutdownReply;
}

export interface DisplayData {
  data: MimeData;
  metadata: JsonObject;
  transient: { display_id?: string };
}

/** What the kernel publishes on iopub, by msg_type. */
export interface IopubContents {
  status: { execution_state: "busy" | "idle" | "starting" };
  stream: { name: "stdout" | "stderr"; text: string };
  display_data: DisplayData;
  update_display_data: DisplayData;
  execute_input: { code: string; execution_count: number };
  execute_result: { execution_count: number; data: MimeData; metadata: JsonObject };
  error: ErrorContent;
  clear_output: { wait: boolean };
  comm_close: { comm_id: string; data: JsonObject };
  comm_msg: { comm_id: string; data: JsonObject };
  iopub_welcome: { subscription: string };
}
export type IopubType = keyof IopubContents;

/** What the kernel sends on stdin. */
export interface StdinContents {
  input_request: { prompt: string; password: boolean };
}

/** Request content that lacks what the protocol requires, e.g. `code` that is not a string. */
export class MalformedContentError extends Error {
  override name = "TypeError";
  constructor(
    readonly msgType: string,
    readonly field: string,
    expected: string,
    got: unknown,
  ) {
    super(`${msgType} content.${field} must be ${expected}, not ${got === null ? "null" : Array.isArray(got) ? "an array" : typeof got}`);
  }
}

type Decoders = { [K in RequestType]: (content: JsonObject) => Requests[K] };

const empty = (): Empty => ({});

/** A required string: checked, never coerced (String(["…"]) is the code inside, and a cell must be what was sent). */
function string(msgType: string, content: JsonObject, field: string): string {
  const v = content[field];
  if (typeof v !== "string") throw new MalformedContentError(msgType, field, "a string", v);
  return v;
}

/** An optional flag: anything but a boolean means the protocol's default, as ipykernel reads it. */
function flag(content: JsonObject, field: string, byDefault: boolean): boolean {
  const v = content[field];
  return typeof v === "boolean" ? v : byDefault;
}

function cursor(msgType: string, content: JsonObject): number | undefined {
  const v = content.cursor_pos;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new MalformedContentError(msgType, "cursor_pos", "a non-negative integer", v);
  return v;
}

function stringRecord(content: JsonObject, field: string): Record<string, string> {
  const v = content[field];
  if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function optionalNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function historyQuery(content: JsonObject): HistoryQuery {
  const type = content.hist_access_type;
  const q: HistoryQuery = {};
  for (const f of ["output", "raw", "unique"] as const) {
    const v = content[f];
    if (typeof v === "boolean") q[f] = v;
  }
  if (type === "range" || type === "tail" || type === "search") q.hist_access_type = type;
  for (const f of ["session", "start", "stop", "n"] as const) {
    const n = optionalNumber(content[f]);
    if (n !== undefined) q[f] = n;
  }
  if (typeof content.pattern === "string") q.pattern = content.pattern;
  return q;
}

/** Reads each request's content as its handler needs it; throws MalformedContentError. */
export const decoders: Decoders = {
  kernel_info_request: empty,
  execute_request: (c) => ({
    code: string("execute_request", c, "code"),
    silent: flag(c, "silent", false),
    store_history: flag(c, "store_history", true),
    user_expressions: stringRecord(c, "user_expressions"),
    allow_stdin: flag(c, "allow_stdin", false),
    stop_on_error: flag(c, "stop_on_error", true),
  }),
  complete_request: (c) => ({ code: string("complete_request", c, "code"), cursor_pos: cursor("complete_request", c) }),
  inspect_request: (c) => ({ code: string("inspect_request", c, "code"), cursor_pos: cursor("inspect_request", c) }),
  is_complete_request: (c) => ({ code: string("is_complete_request", c, "code") }),
  history_request: historyQuery,
  comm_info_request: empty,
  comm_open: (c) => ({ comm_id: string("comm_open", c, "comm_id"), target_name: typeof c.target_name === "string" ? c.target_name : "" }),
  comm_msg: commMsg("comm_msg"),
  comm_close: commMsg("comm_close"),
  shutdown_request: (c) => ({ restart: flag(c, "restart", false) }),
};

function commMsg(msgType: string): (c: JsonObject) => CommMsg {
  return (c) => {
    const data = c.data;
    return { comm_id: string(msgType, c, "comm_id"), data: typeof data === "object" && data !== null && !Array.isArray(data) ? (data as JsonObject) : {} };
  };
}

export function decodeInputReply(content: JsonObject): InputReply {
  const v = content.value;
  return { value: typeof v === "string" ? v : String(v ?? "") };
}
