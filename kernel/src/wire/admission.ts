import { BadSignatureError, decode, MalformedMessageError, splitFrames } from "./framing.js";
import { Message } from "./messages.js";
import type { ReplayGuard } from "./replayGuard.js";
import type { Signer } from "./signing.js";
import { log } from "../log.js";

/**
 * The one gate every incoming message passes: a bad signature, a malformed message or a replay
 * is dropped and logged (never answered, never executed); anything else is returned parsed.
 */
export function admit(frames: readonly Buffer[], signer: Signer, replay: ReplayGuard, channel: string): Message | null {
  try {
    const msg = decode(frames, signer);
    if (!replay.admit(splitFrames(frames).signature)) {
      log("warn", "dropped replayed message", { channel, msg_id: msg.header.msg_id, msg_type: msg.header.msg_type });
      return null;
    }
    return msg;
  } catch (e) {
    if (e instanceof BadSignatureError || e instanceof MalformedMessageError) {
      log("warn", "dropped message", { channel, reason: e.message });
      return null;
    }
    throw e;
  }
}
