import type { ConnectionInfo } from "./connection.js";
import type { Header, Message } from "./messages.js";

export interface ControlWorkerData {
  info: ConnectionInfo;
  session: string;
  /** ReplayGuard.memory: one replay history for every channel of the session. */
  replayMemory: SharedArrayBuffer;
  /** InterruptLine's buffer: interrupts counted where the main thread sees them while it is busy. */
  interrupts: SharedArrayBuffer;
}

/** Messages between the main thread and the control/heartbeat worker. */
export type FromControlWorker =
  | { kind: "ready" }
  | { kind: "request"; msg: Message }
  /** `seq`: the interrupt's number on the InterruptLine. */
  | { kind: "interrupted"; header: Header; seq: number };

export type ToControlWorker = { kind: "send"; frames: Uint8Array[] } | { kind: "close" };
