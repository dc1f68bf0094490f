import type { ConnectionInfo } from "./connection.js";
import type { Header, Message } from "./messages.js";

export interface ControlWorkerData {
  info: ConnectionInfo;
  session: string;
  /** ReplayGuard.memory: one replay history for every channel of the session. */
  replayMemory: SharedArrayBuffer;
}

/** Messages between the main thread and the control/heartbeat worker. */
export type FromControlWorker =
  | { kind: "ready" }
  | { kind: "request"; msg: Message }
  | { kind: "interrupted"; header: Header };

export type ToControlWorker = { kind: "send"; frames: Uint8Array[] } | { kind: "close" };
