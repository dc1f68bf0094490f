import { handlers, noReply } from "../handlers/index.js";
import { log } from "../log.js";
import type { Message } from "../wire/messages.js";
import type { RequestChannel } from "../wire/transport.js";
import { decodeInputReply } from "../wire/protocol.js";
import type { KernelServices, RawRequest, Reply } from "./services.js";

/**
 * Routes verified requests to handlers. Shell requests run one at a time in arrival order;
 * control requests are served at once, even while a shell request awaits. Every request is
 * bracketed by busy/idle on iopub. After an execute error with stop_on_error, the execute
 * requests already queued are answered `aborted` instead of run. An unknown msg_type is logged
 * and not answered, as in ipykernel; nothing one request does stops the queue.
 */
const ABORT_GRACE_MS = 2000;

export class Dispatcher {
  private readonly queue: Message[] = [];
  private readonly aborted = new WeakSet<Message>();
  private pumping = false;
  /** After an execute error: requests the client sent before it saw the error are aborted too. */
  private abortWindow: { errorAt: number; until: number } | undefined;

  constructor(private readonly services: KernelServices) {}

  onRequest(channel: RequestChannel, msg: Message): void {
    if (channel === "stdin") {
      if (msg.header.msg_type === "input_reply") this.services.input.reply(decodeInputReply(msg.content).value);
      else log("warn", "unexpected message on stdin", { msg_type: msg.header.msg_type });
      return;
    }
    if (channel === "control") {
      void this.handle("control", msg);
      return;
    }
    if (msg.header.msg_type === "execute_request" && this.sentBeforeLastError(msg)) this.aborted.add(msg);
    this.queue.push(msg);
    void this.pump();
  }

  /**
   * "Run all" sends every cell at once; some may still be in flight when the first one fails.
   * Those carry a send time before the error. Only during a short grace period, so a client whose
   * clock runs behind ours cannot have later cells aborted.
   */
  private sentBeforeLastError(msg: Message): boolean {
    const w = this.abortWindow;
    if (!w || Date.now() > w.until) return false;
    const sent = Date.parse(msg.header.date);
    // Strictly before: dates carry microseconds we parse to milliseconds, and a cell sent in the
    // same millisecond as the error reply may well be a reaction to it.
    return Number.isFinite(sent) && sent < w.errorAt;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let msg = this.queue.shift(); msg; msg = this.queue.shift()) await this.handle("shell", msg);
    } finally {
      this.pumping = false;
    }
  }

  /** Never rejects: one request that fails, however it fails, must not stop the ones behind it. */
  private async handle(channel: "shell" | "control", msg: Message): Promise<void> {
    try {
      await this.serve(channel, msg);
    } catch (e) {
      log("error", "request failed outside its handler; serving the next", { ...about(channel, msg), error: describe(e) });
    }
  }

  private async serve(channel: "shell" | "control", msg: Message): Promise<void> {
    const { outbox } = this.services;
    const type = msg.header.msg_type;
    const ctx: RawRequest = {
      channel,
      msg,
      services: this.services,
      publish: (t, content, metadata) => outbox.publish(t, content, msg.header, metadata),
    };
    // As ipykernel does: clients (and bench/responsiveness) tell kernel time from transport time.
    const started = new Date().toISOString();
    await ctx.publish("status", { execution_state: "busy" });
    let reply: Reply | undefined;
    try {
      reply = await this.answer(ctx);
      // Mark before replying: a client may send its next request the moment it sees this reply,
      // and that one must run, not be caught by the abort.
      if (reply?.abortQueued) {
        for (const queued of this.queue) if (queued.header.msg_type === "execute_request") this.aborted.add(queued);
        const now = Date.now();
        this.abortWindow = { errorAt: now, until: now + ABORT_GRACE_MS };
      }
      if (reply && !noReply.has(type)) {
        await outbox.reply(channel, msg.identities, type.replace(/_request$/, "_reply"), reply.content, msg.header, { started, ...reply.metadata });
      }
    } finally {
      await ctx.publish("status", { execution_state: "idle" });
    }
    if (reply?.after) await reply.after();
  }

  /** The handler's reply; none for an unknown msg_type, which ipykernel only logs (busy and idle still go out). */
  private async answer(ctx: RawRequest): Promise<Reply | undefined> {
    const { channel, msg } = ctx;
    const handler = handlers.get(msg.header.msg_type);
    if (!handler) {
      log("warn", "unknown message type; not answered", about(channel, msg));
      return undefined;
    }
    if (this.aborted.has(msg)) return { content: { status: "aborted" } };
    try {
      return await handler(ctx);
    } catch (e) {
      log("error", "handler failed", { ...about(channel, msg), error: describe(e) });
      const err = e instanceof Error ? e : new Error(String(e));
      return { content: { status: "error", ename: err.name, evalue: err.message, traceback: (err.stack ?? "").split("\n") } };
    }
  }
}

function about(channel: string, msg: Message): Record<string, unknown> {
  return { channel, msg_type: msg.header.msg_type, msg_id: msg.header.msg_id };
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
