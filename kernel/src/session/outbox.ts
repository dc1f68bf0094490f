import { Channel } from "../wire/connection.js";
import { encode } from "../wire/framing.js";
import { Header, JsonObject, makeHeader } from "../wire/messages.js";
import { Signer } from "../wire/signing.js";

export interface FrameSink {
  send(channel: Channel, frames: Buffer[]): Promise<void>;
}

/**
 * Builds, signs and sends messages for one kernel session. It owns the session id and the
 * iopub topic naming; everything above it deals in (msg_type, content, parent).
 */
export class Outbox {
  constructor(private readonly sink: FrameSink, private readonly signer: Signer, readonly session: string) {}

  publish(msgType: string, content: unknown, parent: Partial<Header>, metadata: JsonObject = {}): Promise<void> {
    const topic = Buffer.from(`kernel.${this.session}.${msgType}`);
    return this.sink.send(
      "iopub",
      encode({ identities: [topic], header: makeHeader(msgType, this.session), parent_header: parent, metadata, content }, this.signer),
    );
  }

  reply(
    channel: "shell" | "control" | "stdin",
    identities: Buffer[],
    msgType: string,
    content: unknown,
    parent: Partial<Header>,
    metadata: JsonObject = {},
  ): Promise<void> {
    return this.sink.send(
      channel,
      encode({ identities, header: makeHeader(msgType, this.session), parent_header: parent, metadata, content }, this.signer),
    );
  }
}
