import { Signer } from "./signing.js";
import { Header, JsonObject, Message } from "./messages.js";

const DELIMITER = Buffer.from("<IDS|MSG>");

export class MalformedMessageError extends Error {
  override name = "MalformedMessageError";
}

export class BadSignatureError extends Error {
  override name = "BadSignatureError";
}

/** The frames of a message, split but not yet trusted or parsed. */
export interface RawMessage {
  identities: Buffer[];
  signature: string;
  /** header, parent_header, metadata, content */
  parts: [Buffer, Buffer, Buffer, Buffer];
  buffers: Buffer[];
}

export function splitFrames(frames: readonly Buffer[]): RawMessage {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new MalformedMessageError("no <IDS|MSG> delimiter");
  if (frames.length < at + 6) throw new MalformedMessageError(`only ${frames.length - at - 1} frames after the delimiter`);
  const rest = frames.slice(at + 2);
  return {
    identities: frames.slice(0, at),
    signature: (frames[at + 1] as Buffer).toString("utf8"),
    parts: [rest[0], rest[1], rest[2], rest[3]] as [Buffer, Buffer, Buffer, Buffer],
    buffers: rest.slice(4),
  };
}

/** Verifies the signature first and only then parses JSON (never parse what is not trusted). */
export function decode(frames: readonly Buffer[], signer: Signer): Message {
  const raw = splitFrames(frames);
  if (!signer.verify(raw.signature, raw.parts)) throw new BadSignatureError("signature does not match");
  const [header, parent, metadata, content] = raw.parts.map((p, i) => {
    try {
      return JSON.parse(p.toString("utf8")) as unknown;
    } catch (e) {
      throw new MalformedMessageError(`frame ${i} is not JSON: ${(e as Error).message}`);
    }
  });
  const h = header as Partial<Header> | null;
  if (!h || typeof h.msg_type !== "string" || typeof h.msg_id !== "string") {
    throw new MalformedMessageError("header lacks msg_id or msg_type");
  }
  return {
    identities: raw.identities,
    header: h as Header,
    parent_header: (parent ?? {}) as Partial<Header>,
    metadata: (metadata ?? {}) as JsonObject,
    content: (content ?? {}) as JsonObject,
    buffers: raw.buffers,
  };
}

export interface Outgoing {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata?: JsonObject;
  content: unknown;
  buffers?: Buffer[];
}

export function encode(msg: Outgoing, signer: Signer): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata ?? {}, msg.content].map((p) => Buffer.from(JSON.stringify(p), "utf8"));
  return [...msg.identities, DELIMITER, Buffer.from(signer.sign(parts)), ...parts, ...(msg.buffers ?? [])];
}
