/**
 * Runs on its own thread so that the heartbeat and interrupt_request are answered while the
 * main thread is stuck in a cell's synchronous loop. An interrupt is counted in shared memory
 * (InterruptLine), sent to the main thread as a message (which cancels a pending await, input or
 * query), and raised as SIGINT whenever cell code runs, which Node turns into an exception in
 * that code: all of a cell's code runs under vm's breakOnSigint (interruptibleAsync.ts). Checked
 * every RESEND_MS until the main thread settles the interrupt, so code that starts after the
 * first SIGINT (after an await, or once compiled) is stopped too.
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
import { InterruptLine } from "./interruptLine.js";
import type { ControlWorkerData, FromControlWorker, ToControlWorker } from "./controlProtocol.js";

const { info, session, replayMemory, interrupts } = workerData as ControlWorkerData;
const port = parentPort;
if (!port) throw new Error("controlWorker must run in a worker thread");

const signer = new Signer(info.signature_scheme, info.key);
// The session's one replay history, shared with the shell and stdin channels on the main thread.
const replay = ReplayGuard.open(replayMemory);
const hb = new zmq.Reply({ linger: 0 });
const control = new zmq.Router({ linger: 0 });
const controlOut = new SendQueue(control, "control");
const line = new InterruptLine(interrupts);
const RESEND_MS = 20;
/** 10 s: a cell that ignores SIGINT (a native call that never returns) is not signalled forever. */
const RESEND_LIMIT = 500;
let resending: NodeJS.Timeout | undefined;

/** SIGINT only reaches cell code safely inside vm; elsewhere the main thread takes our message. */
function raise(): void {
  if (line.inCellCode()) process.kill(process.pid, "SIGINT");
}

function interrupt(sentAt: number): number {
  const seq = line.request(sentAt);
  raise();
  if (resending) clearInterval(resending);
  let left = RESEND_LIMIT;
  resending = setInterval(() => {
    if (!line.pending() || --left < 0) {
      clearInterval(resending);
      resending = undefined;
      return;
    }
    raise();
  }, RESEND_MS);
  return seq;
}

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
    const seq = interrupt(Date.parse(msg.header.date));
    // The main thread cancels what waits (an await, input, a query) when it reads this.
    post({ kind: "interrupted", header: msg.header, seq });
    const reply = { identities: msg.identities, header: makeHeader("interrupt_reply", session), parent_header: msg.header, content: { status: "ok" } };
    await controlOut.send(encode(reply, signer));
    return;
  }
  // A signed message nested too deep to clone (JSON.parse takes it) throws here.
  post({ kind: "request", msg });
}

port.on("message", (m: ToControlWorker) => {
  if (m.kind === "send") void controlOut.send(m.frames.map((f) => Buffer.from(f)));
  else if (m.kind === "close") {
    if (resending) clearInterval(resending);
    hb.close();
    control.close();
  }
});

await hb.bind(endpoint(info, "hb"));
await control.bind(endpoint(info, "control"));
post({ kind: "ready" });
void heartbeat().catch((e: unknown) => log("error", "heartbeat stopped", { error: String(e) }));
void serveControl().catch((e: unknown) => log("error", "control channel stopped", { error: String(e) }));
