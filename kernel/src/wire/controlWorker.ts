/**
 * Runs on its own thread so that the heartbeat and interrupt_request are answered while the
 * main thread is stuck in a cell's synchronous loop. Interrupt is delivered as SIGINT to our own
 * process, which V8 turns into an exception inside the running cell (vm breakOnSigint).
 * Every other control message is verified here and forwarded to the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { endpoint } from "./connection.js";
import { admit } from "./admission.js";
import { encode } from "./framing.js";
import { makeHeader } from "./messages.js";
import { SendQueue } from "./sendQueue.js";
import { ReplayGuard } from "./replayGuard.js";
import { Signer } from "./signing.js";
import { log } from "../log.js";
import type { ControlWorkerData, FromControlWorker, ToControlWorker } from "./controlProtocol.js";

const { info, session, replayMemory } = workerData as ControlWorkerData;
const port = parentPort;
if (!port) throw new Error("controlWorker must run in a worker thread");

const signer = new Signer(info.signature_scheme, info.key);
// The session's one replay history, shared with the shell and stdin channels on the main thread.
const replay = ReplayGuard.open(replayMemory);
const hb = new zmq.Reply({ linger: 0 });
const control = new zmq.Router({ linger: 0 });
const controlOut = new SendQueue(control, "control");

function post(m: FromControlWorker): void {
  port!.postMessage(m);
}

async function heartbeat(): Promise<void> {
  for await (const frames of hb) await hb.send(frames);
}

async function serveControl(): Promise<void> {
  for await (const frames of control) {
    // One message, however odd, must not stop the channel that interrupts and shuts down.
    try {
      await serveOne(frames);
    } catch (e) {
      log("error", "message not served; serving the next", { channel: "control", error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  }
}

/** Answers interrupt_request here (the main thread may be stuck in a cell); forwards the rest. */
async function serveOne(frames: Buffer[]): Promise<void> {
  const msg = admit(frames, signer, replay, "control");
  if (!msg) return;
  if (msg.header.msg_type === "interrupt_request") {
    process.kill(process.pid, "SIGINT");
    const reply = { identities: msg.identities, header: makeHeader("interrupt_reply", session), parent_header: msg.header, content: { status: "ok" } };
    await controlOut.send(encode(reply, signer));
    post({ kind: "interrupted", header: msg.header });
    return;
  }
  // A signed message nested too deep to clone (JSON.parse takes it) throws here.
  post({ kind: "request", msg });
}

port.on("message", (m: ToControlWorker) => {
  if (m.kind === "send") void controlOut.send(m.frames.map((f) => Buffer.from(f)));
  else if (m.kind === "close") {
    hb.close();
    control.close();
  }
});

await hb.bind(endpoint(info, "hb"));
await control.bind(endpoint(info, "control"));
post({ kind: "ready" });
void heartbeat().catch((e: unknown) => log("error", "heartbeat stopped", { error: String(e) }));
void serveControl().catch((e: unknown) => log("error", "control channel stopped", { error: String(e) }));
