/** The codecs channel.bench.ts compares, by name (the worker rebuilds its decoder from the name). */
import { type BatchCodec, cloneCodec } from "../../engine/src/exchange/BatchCodec.js";
import { columnarCodec, columnarCodecWith } from "../../engine/src/exchange/columnar/index.js";

/** Bids as SQL rows (arrays), as objects, or their four numeric fields only (the research note's case). */
export type Shape = "array" | "object" | "numbers";

export const codecs: Record<string, BatchCodec> = {
  clone: cloneCodec,
  columnar: columnarCodec,
  "columnar, strings always dictionary": columnarCodecWith("dictionary"),
  "columnar, strings always UTF-8": columnarCodecWith("utf8"),
};
