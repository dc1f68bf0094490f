import { Worker } from "node:worker_threads";
import * as zmq from "zeromq";
import { Channel, ConnectionInfo, endpoint } from "./connection.js";
import { admit } from "./admission.js";
import { Header, Message } from "./messages.js";
import { SendQueue } from "./sendQueue.js";
import { ReplayGuard } from "./replayGuard.js";
import type { Signer } from "./signing.js";
import type { ControlWorkerData, FromControlWorker, ToControlWorker } from "./controlProtocol.js";
import { log } from "../log.js";
import type { InterruptLine } from "./interruptLine.js";

export type RequestChannel = "shell" | "control" | "stdin";

export interface TransportEvents {
  onRequest(channel: RequestChannel, msg: Message): void;
  /** A client subscribed to iopub (JEP 65 welcome). */
  onSubscribe(topic: string): void;
  /** The control worker already answered an interrupt_request (counted it, raised SIGINT). */
  onInterrupted(header: Header, seq: number): void;
}

/**
 * The five ZeroMQ channels. Shell, stdin and iopub live on this thread; heartbeat and control
 * on a worker (see controlWorker.ts). Invalid, unsigned and replayed messages are dropped
 * here and logged; nothing past this point sees them. A replay is refused on whichever channel
 * it comes: all of them share one history (replayGuard.ts).
 */
export class ZmqTransport {
  private readonly shellOut: SendQueue;
  private readonly stdinOut: SendQueue;
  private readonly iopubOut: SendQueue;
  private closed = false;

  private constructor(
    private readonly signer: Signer,
    private readonly replay: ReplayGuard,
    private readonly shell: zmq.Router,
    private readonly stdin: zmq.Router,
    private readonly iopub: zmq.XPublisher,
    private readonly worker: Worker,
  ) {
    this.shellOut = new SendQueue(shell, "shell");
    this.stdinOut = new SendQueue(stdin, "stdin");
    this.iopubOut = new SendQueue(iopub, "iopub");
  }

  static async create(info: ConnectionInfo, session: string, signer: Signer, interrupts: InterruptLine, events: TransportEvents): Promise<ZmqTransport> {
    const shell = new zmq.Router({ linger: 0 });
    const stdin = new zmq.Router({ linger: 0 });
    const iopub = new zmq.XPublisher({ linger: 1000 });
    iopub.verbosity = "allSubs";
    await shell.bind(endpoint(info, "shell"));
    await stdin.bind(endpoint(info, "stdin"));
    await iopub.bind(endpoint(info, "iopub"));
    const replay = ReplayGuard.create();
    const workerData: ControlWorkerData = { info, session, replayMemory: replay.memory, interrupts: interrupts.buffer };
    const worker = new Worker(new URL("./controlWorker.js", import.meta.url), { workerData });
    const t = new ZmqTransport(signer, replay, shell, stdin, iopub, worker);
    await new Promise<void>((resolve, reject) => {
      worker.on("message", (m: FromControlWorker) => {
        if (m.kind === "ready") resolve();
        else if (m.kind === "interrupted") events.onInterrupted(m.header, m.seq);
        else events.onRequest("control", reviveBuffers(m.msg));
      });
      worker.once("error", reject);
    });
    worker.on("error", (e) => log("error", "control worker failed", { error: String(e) }));
    void t.serve(shell, "shell", events);
    void t.serve(stdin, "stdin", events);
    void t.watchSubscriptions(events);
    return t;
  }

  send(channel: Channel, frames: Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    switch (channel) {
      case "shell":
        return this.shellOut.send(frames);
      case "stdin":
        return this.stdinOut.send(frames);
      case "iopub":
        return this.iopubOut.send(frames);
      case "control":
        this.worker.postMessage({ kind: "send", frames } satisfies ToControlWorker);
        return Promise.resolve();
      case "hb":
        throw new Error("nothing is sent on hb but echoes");
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.worker.postMessage({ kind: "close" } satisfies ToControlWorker);
    // Let the last replies and the final status message leave before the sockets go.
    await new Promise((r) => setTimeout(r, 50));
    this.shell.close();
    this.stdin.close();
    this.iopub.close();
    await this.worker.terminate();
  }

  private async serve(socket: zmq.Router, channel: "shell" | "stdin", events: TransportEvents): Promise<void> {
    try {
      for await (const frames of socket) {
        const msg = admit(frames, this.signer, this.replay, channel);
        if (!msg) continue;
        // One message, however odd, must not stop the channel.
        try {
          events.onRequest(channel, msg);
        } catch (e) {
          log("error", "message not served; serving the next", { channel, msg_type: msg.header.msg_type, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        }
      }
    } catch (e) {
      if (!this.closed) log("error", "channel stopped", { channel, error: String(e) });
    }
  }

  private async watchSubscriptions(events: TransportEvents): Promise<void> {
    try {
      for await (const [frame] of this.iopub) {
        if (frame && frame[0] === 1) events.onSubscribe(frame.subarray(1).toString("utf8"));
      }
    } catch (e) {
      if (!this.closed) log("error", "iopub subscription watch stopped", { error: String(e) });
    }
  }
}

/** Buffers arrive from a worker as plain Uint8Arrays. */
function reviveBuffers(msg: Message): Message {
  return {
    ...msg,
    identities: msg.identities.map((b) => Buffer.from(b)),
    buffers: msg.buffers.map((b) => Buffer.from(b)),
  };
}
