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
import { ConnectionInfo, endpoint } from "./connection.js";
import { admit } from "./admission.js";
import { encode } from "./framing.js";
import { makeHeader } from "./messages.js";
import { SendQueue } from "./sendQueue.js";
import { ReplayGuard, Signer } from "./signing.js";
import { log } from "../log.js";
import { InterruptLine } from "./interruptLine.js";
import type { FromControlWorker, ToControlWorker } from "./controlProtocol.js";

const { info, session, interrupts } = workerData as { info: ConnectionInfo; session: string; interrupts: SharedArrayBuffer };
const port = parentPort;
if (!port) throw new Error("controlWorker must run in a worker thread");

const signer = new Signer(info.signature_scheme, info.key);
const replay = new ReplayGuard();
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
    const msg = admit(frames, signer, replay, "control");
    if (!msg) continue;
    if (msg.header.msg_type === "interrupt_request") {
      const seq = interrupt(Date.parse(msg.header.date));
      // The main thread cancels what waits (an await, input, a query) when it reads this.
      post({ kind: "interrupted", header: msg.header, seq });
      await controlOut.send(
        encode(
          {
            identities: msg.identities,
            header: makeHeader("interrupt_reply", session),
            parent_header: msg.header,
            content: { status: "ok" },
          },
          signer,
        ),
      );
      continue;
    }
    post({ kind: "request", msg });
  }
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
