import type { DataStream } from "../../api/DataStream.js";
import type { Expr } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import type { AppendPlanned } from "../planner.js";
import type { SqlType } from "../types.js";
import { resolveColumn } from "../windows/windowProperties.js";
import { type CalcStage, CalcOperator, compileCalc } from "./calc.js";

/** How a Calc was planned, so a filter or projection over its output can be planned into it instead. */
interface FusableCalc {
  fuse(stage: CalcStage): DataStream<Row>;
  /** Output columns that are the input record's timestamp as it is (the rowtime a record scan stamped). */
  timestampColumns: number[];
}

/** Calcs planned so far, by their output stream. */
const fusable = new WeakMap<DataStream<Row>, FusableCalc>();

/** Calcs whose output several readers take (a view read twice): fusing one reader's stage would plan a second Calc over the same input. */
const sharedCalcs = new WeakSet<DataStream<Row>>();

/**
 * A SELECT list and WHERE over `input` as one Calc operator. Straight over a record scan (the
 * relation's stream is still the scan's rows) the Calc reads the scan's records instead, so the
 * table's rows are never made for it.
 */
export function planCalc(input: AppendPlanned, scope: ScopeColumn[], where: Expr | undefined, exprs: Expr[]): { stream: DataStream<Row>; types: SqlType[] } {
  const records = input.records !== undefined && input.records.rows === input.stream ? input.records : undefined;
  const from = (records?.stream ?? input.stream) as DataStream<unknown>;
  const plan = (stages: CalcStage[], timestampColumns: number[]): { stream: DataStream<Row>; types: SqlType[] } => {
    const { fn, types } = compileCalc(scope, where, exprs, records?.columns, stages);
    const gates = stages.flatMap((s) => (s.gate ? [s.gate] : []));
    if (gates.length > 1) throw new Error(`a Calc with ${gates.length} gates (${gates.map((g) => g.name).join(", ")}): one at most`);
    const gate = gates[0];
    const stream = from.transform<Row>(gate ? `Calc + ${gate.name}` : "Calc", (ctx) => new CalcOperator(fn, ctx, gate));
    fusable.set(stream, {
      fuse: (stage) => plan([...stages, stage], stage.columns ? stage.columns.flatMap((c, i) => (timestampColumns.includes(c) ? [i] : [])) : timestampColumns).stream,
      timestampColumns,
    });
    return { stream, types };
  };
  // A column of a record scan whose code is `t` is the record's timestamp (scan/recordScan.ts).
  const read = (e: Expr): string | undefined => {
    const column = records && resolveColumn(e, scope);
    const code = column ? records.columns(column.index) : undefined;
    return typeof code === "string" ? code : undefined;
  };
  const timestampColumns = exprs.flatMap((e, i) => (read(e) === "t" ? [i] : []));
  return plan([], timestampColumns);
}

/**
 * `stream` filtered by `stage.where` and projected to `stage.columns` as ONE operator, when a Calc
 * made it: a new Calc of the same input with the stage fused in (the first one, left without
 * consumers, does not run). Undefined otherwise, and for a shared Calc (shareCalc) unless `shared`:
 * the caller has every reader of it read the new Calc instead (a reader left on the first one runs
 * both Calcs: slower, not wrong).
 */
export function fuseIntoCalc(stream: DataStream<Row>, stage: CalcStage, shared = false): DataStream<Row> | undefined {
  return !shared && sharedCalcs.has(stream) ? undefined : fusable.get(stream)?.fuse(stage);
}

/** `stream` feeds several readers: each applies its stage after it, none fuses it into a Calc of its own. */
export function shareCalc(stream: DataStream<Row>): void {
  sharedCalcs.add(stream);
}

/** Whether each row of `stream` has column `index` as its record timestamp already (a Calc passing a record scan's rowtime through). */
export function stampedBy(stream: DataStream<Row>, index: number): boolean {
  return fusable.get(stream)?.timestampColumns.includes(index) ?? false;
}
