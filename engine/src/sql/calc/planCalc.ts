import type { DataStream } from "../../api/DataStream.js";
import type { Expr } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import type { AppendPlanned } from "../planner.js";
import type { SqlType } from "../types.js";
import { CalcOperator, compileCalc } from "./calc.js";

/**
 * A SELECT list and WHERE over `input` as one Calc operator. Straight over a record scan (the
 * relation's stream is still the scan's rows) the Calc reads the scan's records instead, so the
 * table's rows are never made for it.
 */
export function planCalc(input: AppendPlanned, scope: ScopeColumn[], where: Expr | undefined, exprs: Expr[]): { stream: DataStream<Row>; types: SqlType[] } {
  const records = input.records !== undefined && input.records.rows === input.stream ? input.records : undefined;
  const { fn, types } = compileCalc(scope, where, exprs, records?.columns);
  const from = (records?.stream ?? input.stream) as DataStream<unknown>;
  return { stream: from.transform<Row>("Calc", (ctx) => new CalcOperator(fn, ctx)), types };
}
