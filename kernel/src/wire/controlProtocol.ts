import type { Header, Message } from "./messages.js";

/** Messages between the main thread and the control/heartbeat worker. */
export type FromControlWorker =
  | { kind: "ready" }
  | { kind: "request"; msg: Message }
  /** `seq`: the interrupt's number on the InterruptLine. */
  | { kind: "interrupted"; header: Header; seq: number };

export type ToControlWorker = { kind: "send"; frames: Uint8Array[] } | { kind: "close" };
