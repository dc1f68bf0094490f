import type { DataStream } from "../../api/DataStream.js";
import { declareRowType } from "../../exchange/edgeCodec.js";
import { fuseIntoCalc } from "../calc/planCalc.js";
import type { Expr } from "../ast.js";
import type { Column } from "../catalog.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { columnsRead } from "../joins/planJoin.js";
import { stampRowtime } from "../joins/rowtime.js";

/**
 * A window aggregate's input rows narrowed to the columns the aggregate reads (its keys, PARTITION BY,
 * its aggregates' arguments, WHERE), fused into the input's Calc as a projection stage (Flink pushes
 * the projection into the Calc below its window aggregate). The window operator assigns windows from
 * the record timestamp, so the time column itself is not kept. nexmark q8's person and auction Calcs
 * made the views' 8- and 10-column rows for a count keyed on id and name or on seller.
 *
 * `scope` is the TVF's (the input's `columns.length` columns, then window_start, window_end,
 * window_time); the result's places each kept column at its index in the narrow row, the window
 * columns right after it, and the others past those (nothing reads them). Undefined, so the rows stay
 * as they are, when the input is no Calc of its own (a scan, a Calc several readers share) or when
 * what the aggregate reads cannot be told.
 *
 * `restamped`: `stream` is a rowtime operator over the Calc `unstamped` (a view whose Calc does not
 * pass a record scan's rowtime through, as over a filesystem table). The projection goes into that
 * Calc, keeping the time column `index` too, and the narrow rows are restamped from it: restamped
 * afterwards, a view column 10 / 0 nothing reads still failed the job where Flink prunes it.
 */
export function narrowWindowInput(
  stream: DataStream<Row>,
  columns: Column[],
  scope: ScopeColumn[],
  uses: Expr[],
  restamped?: { unstamped: DataStream<Row>; index: number },
): { stream: DataStream<Row>; scope: ScopeColumn[]; bounds: { start: number; end: number; time: number } } | undefined {
  const n = columns.length;
  const read = columnsRead(uses, scope);
  if (read === undefined) return undefined;
  const kept = [...new Set([...read, ...(restamped ? [restamped.index] : [])])].filter((i) => i < n).sort((a, b) => a - b);
  // Nothing read (COUNT(*) over the windows alone) still keeps one column: a row per record.
  if (kept.length === 0) kept.push(0);
  if (kept.length === n) return undefined;
  const fused = fuseIntoCalc(restamped?.unstamped ?? stream, { scope: scope.slice(0, n), where: undefined, columns: kept });
  if (fused === undefined) return undefined;
  const m = kept.length;
  const at = new Map(kept.map((c, i) => [c, i]));
  const narrow = restamped ? stampRowtime(fused, at.get(restamped.index) as number) : fused;
  const narrowScope = scope.map((c) => ({ ...c, index: c.index >= n ? m + (c.index - n) : (at.get(c.index) ?? m + 3 + c.index) }));
  // Its row type, so the keyed edge into the window operator crosses threads as columns.
  declareRowType(narrow, { fields: kept.map((c) => columns[c] as Column) });
  return { stream: narrow, scope: narrowScope, bounds: { start: m, end: m + 1, time: m + 2 } };
}
