import { log } from "../log.js";

interface Sendable {
  send(frames: Buffer[]): Promise<void>;
}

/**
 * zeromq v6 allows one send in flight per socket; this queues the rest in order.
 * A failed send is logged with its channel and the queue continues.
 */
export class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Sendable,
    private readonly channel: string,
  ) {}

  send(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(() => this.socket.send(frames));
    this.tail = next.catch((e: unknown) => {
      log("error", "send failed", { channel: this.channel, error: String(e) });
    });
    return this.tail;
  }
}
