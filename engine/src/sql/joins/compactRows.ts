import type { DataStream } from "../../api/DataStream.js";
import { declareRowType } from "../../exchange/edgeCodec.js";
import type { Column } from "../catalog.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";

/**
 * A side of an inner join of append-only inputs as the join keeps it: only the columns something after
 * the join reads (or its keys and condition), in a row of just those (Flink's projection push-down: the
 * join's state holds the fields its output needs). Each row lives in the join's state as long as the job
 * does, so nexmark q4 keeps 3 values per bid, not its 7 columns with 4 of them NULL.
 */
export interface CompactSide {
  stream: DataStream<Row>;
  /** The side's scope with each kept column at its place in the compact row (the others are never read). */
  scope: ScopeColumn[];
  /** The compact row's columns, by their index in the side's full row; undefined: all of them, as they are. */
  kept: number[] | undefined;
}

/** A side's rows (`columns` wide) narrowed to the columns in `read` (indexes into the joined row; the side starts at `offset`). */
export function compactSide(stream: DataStream<Row>, columns: Column[], scope: ScopeColumn[], read: Set<number> | undefined, offset: number): CompactSide {
  const width = columns.length;
  const kept = read === undefined ? undefined : Array.from({ length: width }, (_, i) => i).filter((i) => read.has(offset + i));
  if (kept === undefined || kept.length === width) return { stream, scope, kept: undefined };
  const at = new Map(kept.map((c, i) => [c, i]));
  // A column not kept gets a position past the row's end: nothing reads it (its reads made it kept).
  const compactScope = scope.map((c) => ({ ...c, index: at.get(c.index) ?? width + c.index }));
  const narrow = new Function(`return (r) => [${kept.map((c) => `r[${c}]`).join(", ")}];`)() as (r: Row) => Row;
  // Its row type, so a keyed edge into the join crosses threads as columns.
  const narrowed = declareRowType(stream.map(narrow).name("columns the join needs"), { fields: kept.map((c) => columns[c] as Column) });
  return { stream: narrowed, scope: compactScope, kept };
}

/**
 * The joined row, full width, from two compact rows: a column the join did not keep is NULL there, as
 * nothing reads it. One array literal per pair, as `l.concat(r)` is when both sides are kept whole.
 */
export function joinedRow(left: { kept: number[] | undefined; width: number }, right: { kept: number[] | undefined; width: number }): (l: Row, r: Row) => Row {
  if (left.kept === undefined && right.kept === undefined) return (l, r) => l.concat(r);
  const slots = (side: { kept: number[] | undefined; width: number }, name: string): string[] => {
    const at = new Map((side.kept ?? Array.from({ length: side.width }, (_, i) => i)).map((c, i) => [c, i]));
    return Array.from({ length: side.width }, (_, i) => (at.has(i) ? `${name}[${at.get(i)}]` : "null"));
  };
  return new Function(`return (l, r) => [${[...slots(left, "l"), ...slots(right, "r")].join(", ")}];`)() as (l: Row, r: Row) => Row;
}
