/**
 * `FROM t MATCH_RECOGNIZE (…)`: as Flink's StreamExecMatch, the input (append-only) is keyed by the
 * PARTITION BY columns, its rows stamped with the ORDER BY rowtime (StreamRecordTimestampInserter), and
 * run through the CEP operator (engine/src/cep: rows wait until the watermark passes them, then enter
 * the NFA in time order; late rows are dropped). Each match gives one row: the partition columns, then
 * the measures. Append-only; a MATCH_ROWTIME() measure is a rowtime attribute of the result.
 */
import { CEP } from "../../cep/CEP.js";
import type { Condition } from "../../cep/Pattern.js";
import type { FromItem } from "../ast.js";
import type { Column } from "../catalog.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { stampRowtime } from "../joins/rowtime.js";
import { appendOnly, type Relation } from "../planner.js";
import { DefineNavigation, MatchExprCompiler, MeasureNavigation } from "./matchExpressions.js";
import type { MatchRecognizeSpec, PatternTerm } from "./spec.js";
import { translatePattern } from "./translatePattern.js";

export function planMatchRecognize(spec: MatchRecognizeSpec, alias: string | undefined, from: (item: FromItem) => Relation): Relation {
  const relation = from(spec.input);
  const input = appendOnly(relation, "MATCH_RECOGNIZE", spec.at);
  const qualifiers = relation.qualifiers ?? input.columns.map(() => relation.qualifier);
  const scope: ScopeColumn[] = input.columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(qualifiers[index] ? { table: qualifiers[index] } : {}) }));
  const time = timeColumn(spec, scope);
  const partition = spec.partitionBy.map((e) => {
    const c = e.kind === "column" ? scope.find((s) => s.name.toLowerCase() === e.name.toLowerCase()) : undefined;
    if (!c) throw new StreamSqlError("unsupported", "PARTITION BY of MATCH_RECOGNIZE takes columns of its input", e.at, undefined);
    return c;
  });

  const variables = spec.pattern.map((t) => t.variable);
  const conditions = new Map<string, Condition<Row>>();
  for (const d of spec.define) {
    const variable = variables.find((v) => v.toLowerCase() === d.variable.toLowerCase());
    // Flink ignores the condition of a variable the PATTERN does not use.
    if (variable === undefined) continue;
    const names = variables.slice(0, variables.indexOf(variable) + 1);
    const compiler = new MatchExprCompiler(scope, variables, variable, scope.length);
    const test = compiler.predicate(d.condition);
    const aggregates = compiler.aggregates;
    conditions.set(variable, (row, ctx) => {
      const r = row.slice();
      r.push(new DefineNavigation(aggregates, row, ctx, variable, names));
      return test(r);
    });
  }
  const pattern = translatePattern(spec, (v) => conditions.get(v) ?? (() => true));

  const measures = new MatchExprCompiler(scope, variables, undefined, 0);
  const compiled = spec.measures.map((m) => measures.value(m.expr));
  const aggregates = measures.aggregates;
  const partitionIndexes = partition.map((c) => c.index);
  const keyOf = partition.length === 0 ? () => "" : (r: Row) => JSON.stringify(partitionIndexes.map((i) => r[i]));
  // ORDER BY a proctime attribute: rows enter the matcher as they arrive (Flink's proctime CEP operator).
  const matched = time.type.proctime ? CEP.pattern(input.stream.keyBy(keyOf), pattern).inProcessingTime() : CEP.pattern(stampRowtime(input.stream, time.index).keyBy(keyOf), pattern);
  const stream = matched
    .process<Row>((match, ctx, out) => {
      const nav = [new MeasureNavigation(aggregates, match, variables, ctx.timestamp())];
      let any: Row | undefined;
      for (const rows of match.values()) if ((any = rows[0]) !== undefined) break;
      out.collect([...partitionIndexes.map((i) => (any as Row)[i]), ...compiled.map((c) => c.fn(nav))]);
    })
    .name(`Match(${partition.length > 0 ? `partitionBy=[${partition.map((c) => c.name).join(", ")}], ` : ""}orderBy=[${time.name} ASC], pattern=[${spec.pattern.map(termText).join(" ")}])`);
  // The partition columns are plain values in the result; only a MATCH_ROWTIME() measure is its rowtime.
  const plain = ({ name, type: { rowtime: _, ...type } }: ScopeColumn): Column => ({ name, type });
  const columns: Column[] = [...partition.map(plain), ...spec.measures.map((m, k) => ({ name: m.name, type: (compiled[k] as { type: Column["type"] }).type }))];
  return { stream, columns, bounded: input.bounded, qualifier: alias };
}

/** A pattern variable as written: `B`, `B+`, `B{2,}?`. */
function termText(t: PatternTerm): string {
  const q =
    t.min === 1 && t.max === 1
      ? ""
      : t.min === 0 && t.max === -1
        ? "*"
        : t.min === 1 && t.max === -1
          ? "+"
          : t.min === 0 && t.max === 1
            ? "?"
            : `{${t.min}${t.max === t.min ? "" : `,${t.max === -1 ? "" : t.max}`}}`;
  return `${t.variable}${q}${t.reluctant ? "?" : ""}`;
}

/** The ORDER BY: a rowtime or proctime attribute first and ascending, as Flink requires (no further sort columns yet). */
function timeColumn(spec: MatchRecognizeSpec, scope: ScopeColumn[]): ScopeColumn {
  const first = spec.orderBy[0];
  if (!first) throw new StreamSqlError("validation", "You must specify either rowtime or proctime for order by.", spec.at, "MATCH_RECOGNIZE");
  const c = first.expr.kind === "column" ? scope.find((s) => first.expr.kind === "column" && s.name.toLowerCase() === first.expr.name.toLowerCase()) : undefined;
  if (!c?.type.rowtime && !c?.type.proctime) throw new StreamSqlError("validation", "You must specify either rowtime or proctime for order by as the first one.", first.expr.at, undefined);
  if (first.desc) throw new StreamSqlError("validation", "Primary sort order of a streaming table must be ascending on time.", first.expr.at, "DESC");
  const second = spec.orderBy[1];
  if (second) throw new StreamSqlError("unsupported", "MATCH_RECOGNIZE ordered by more than its time attribute is not supported yet", second.expr.at, undefined);
  return c;
}
