import { randomUUID } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export type JsonObject = Record<string, unknown>;

/** A decoded, verified message. */
export interface Message<C = JsonObject> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: JsonObject;
  content: C;
  buffers: Buffer[];
}

export function makeHeader(msgType: string, session: string): Header {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session,
    username: "kernel",
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}
