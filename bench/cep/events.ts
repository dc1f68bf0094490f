/**
 * The CEP bench's input, generated the same way in TypeScript and in FlinkCepBench.java: event `i` has a
 * key in [0, keys) and a type in {0, 1, 2} drawn from murmur3's 32-bit finaliser of `i` (int arithmetic
 * that Java and JavaScript compute alike), and event time BASE + i·1000/eps ms, in order.
 */
import { fmix32 } from "../../engine/src/graph/keys.js";

export const BASE_TIME = 1_700_000_000_000;
export const EVENTS_PER_SECOND = 10_000;
/** The pattern's `within`, ms of event time. */
export const WITHIN_MS = 10_000;

export interface CepEvent {
  key: number;
  type: number;
  ts: number;
}

export function cepEvent(i: number, keys: number): CepEvent {
  const h = fmix32(i);
  return { key: h % keys, type: fmix32(h ^ 0x9e3779b9) % 3, ts: BASE_TIME + Math.floor((i * 1000) / EVENTS_PER_SECOND) };
}

/** Per match: a fingerprint summed modulo 2^50 on both sides, so the two engines' matches can be compared. */
export const MOD = 2 ** 50;
export function fingerprint(key: number, aTs: number, cTs: number): number {
  return key + (aTs - BASE_TIME) * 7 + (cTs - BASE_TIME) * 13;
}
