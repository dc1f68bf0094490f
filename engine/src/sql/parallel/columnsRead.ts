/**
 * Projection below the keyed exchange (Flink's planner pushes a Calc under an Exchange so only the
 * fields the consumer reads are shuffled). Sluice's SQL operators read rows by index, so instead of a
 * projecting operator (a row copy per record, also on one thread) the consumer declares which fields it
 * reads, and a row crossing threads to it carries only those, the rest as NULL (`declareColumnsRead`).
 */
import type { DataStream } from "../../api/DataStream.js";
import { declareColumnsRead } from "../../exchange/edgeCodec.js";
import type { Expr } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import { columnsRead } from "../joins/planJoin.js";

/**
 * A window aggregate reads of its input rows only its keys (to key and to fill the result's group
 * columns), its aggregates' arguments, and over an upstream window aggregate's rows (a cascade) the
 * window bounds those rows carry, which name each row's window: nexmark q5 `auction` of a bid's seven
 * fields, q7 `price`, q5's MAX `num`, window_start and window_end. Nothing is declared when an
 * argument's columns cannot be told (the rows then cross whole).
 */
export function windowAggregateReads<T>(windowed: DataStream<T>, keys: readonly ScopeColumn[], aggregates: readonly Expr[], scope: ScopeColumn[], bounds: readonly number[]): DataStream<T> {
  const read = columnsRead([...aggregates], scope);
  if (read === undefined) return windowed;
  for (const k of keys) read.add(k.index);
  for (const b of bounds) if (b >= 0) read.add(b);
  return declareColumnsRead(windowed, read);
}
