/** The codecs channel.bench.ts compares, by name (the worker rebuilds its decoder from the name). */
import { type BatchCodec, cloneCodec } from "../../engine/src/exchange/BatchCodec.js";
import { columnarCodec, columnarCodecWith } from "../../engine/src/exchange/columnar/index.js";

export type Shape = "array" | "object";

export const codecs: Record<string, BatchCodec> = {
  clone: cloneCodec,
  columnar: columnarCodec,
  "columnar, strings always dictionary": columnarCodecWith("dictionary"),
  "columnar, strings always UTF-8": columnarCodecWith("utf8"),
};
