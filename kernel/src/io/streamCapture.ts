import { Header } from "../wire/messages.js";
import { OutputContext } from "../session/outputContext.js";

type StreamName = "stdout" | "stderr";

export interface StreamPublisher {
  (name: StreamName, text: string, parent: Header): void;
}

/**
 * Captures process.stdout/stderr writes and sends them to iopub as `stream` messages.
 * Writes are coalesced for a few milliseconds per (cell, stream) so a tight loop of
 * console.log becomes a handful of messages, yet output appears while the cell runs.
 */
export class StreamCapture {
  private pending = new Map<string, { name: StreamName; parent: Header; chunks: string[] }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly outputs: OutputContext,
    private readonly publish: StreamPublisher,
    private readonly flushMs = 20,
  ) {}

  install(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
        this.write(name, text);
        const done = typeof encoding === "function" ? encoding : cb;
        if (typeof done === "function") queueMicrotask(() => (done as () => void)());
        return true;
      }) as typeof stream.write;
    }
  }

  write(name: StreamName, text: string): void {
    const target = this.outputs.current();
    if (!target || text === "") return;
    const key = `${target.parent.msg_id}/${name}`;
    const entry = this.pending.get(key);
    if (entry) entry.chunks.push(text);
    else this.pending.set(key, { name, parent: target.parent, chunks: [text] });
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Sends everything buffered; called before a reply so output precedes the idle status. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    for (const { name, parent, chunks } of batch.values()) this.publish(name, chunks.join(""), parent);
  }
}
