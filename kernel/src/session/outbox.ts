import { Channel } from "../wire/connection.js";
import { encode } from "../wire/framing.js";
import { Header, JsonObject, makeHeader } from "../wire/messages.js";
import { Signer } from "../wire/signing.js";
import type { IopubContents, IopubType, StdinContents } from "../wire/protocol.js";

export interface FrameSink {
  send(channel: Channel, frames: Buffer[]): Promise<void>;
}

/** What publishes on iopub: the Outbox, or a test's recorder. */
export interface IopubPublisher {
  publish<T extends IopubType>(msgType: T, content: IopubContents[T], parent: Partial<Header>, metadata?: JsonObject): Promise<void>;
}

/**
 * Builds, signs and sends messages for one kernel session. It owns the session id and the
 * iopub topic naming; everything above it deals in (msg_type, content, parent).
 */
export class Outbox implements IopubPublisher {
  constructor(
    private readonly sink: FrameSink,
    private readonly signer: Signer,
    readonly session: string,
  ) {}

  publish<T extends IopubType>(msgType: T, content: IopubContents[T], parent: Partial<Header>, metadata: JsonObject = {}): Promise<void> {
    const topic = Buffer.from(`kernel.${this.session}.${msgType}`);
    return this.sink.send("iopub", encode({ identities: [topic], header: makeHeader(msgType, this.session), parent_header: parent, metadata, content }, this.signer));
  }

  /** A reply on shell or control: its content was typed by the handler that made it (Replies). */
  reply(channel: "shell" | "control", identities: Buffer[], msgType: string, content: object, parent: Partial<Header>, metadata: JsonObject = {}): Promise<void> {
    return this.send(channel, identities, msgType, content, parent, metadata);
  }

  /** A request to the client on stdin (input_request). */
  ask<T extends keyof StdinContents>(identities: Buffer[], msgType: T, content: StdinContents[T], parent: Partial<Header>): Promise<void> {
    return this.send("stdin", identities, msgType, content, parent, {});
  }

  private send(channel: Channel, identities: Buffer[], msgType: string, content: object, parent: Partial<Header>, metadata: JsonObject): Promise<void> {
    return this.sink.send(channel, encode({ identities, header: makeHeader(msgType, this.session), parent_header: parent, metadata, content }, this.signer));
  }
}
