/**
 * Flink's Calc: a query's WHERE and SELECT list over one input, planned as ONE operator whose code is
 * generated once per query as one function over a whole batch (the loop inside, not a call per
 * record), as Flink's planner merges Calcs and its code generation fuses them. Two operators (a filter,
 * then a map) cost a hop and a batch each; a call per record kept V8 from inlining the expressions.
 *
 * The input is either rows (arrays in schema order) or, over a scan that pushes the projection down
 * (scan/recordScan.ts, Flink's `SupportsProjectionPushDown`), the connector's own records: then each
 * column the query reads is read once per record, straight from the record, and no row of the table
 * is made at all.
 */
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { Expr } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { SqlType } from "../types.js";

/** Where one call over a batch stopped (at the end, or at the record that threw) and how many rows it made. */
export interface CalcProgress {
  i: number;
  kept: number;
  cause: unknown;
}

/** Runs from `p.i` to the end of the batch; false when a record threw (`p.i` is that record, `p.cause` the error). `g`: the gate's state (CalcGate). */
export type CalcFunction = (values: readonly unknown[], timestamps: readonly number[], out: Row[], outTimestamps: number[], p: CalcProgress, g?: CalcGateState) => boolean;

/**
 * How a Calc reads column `index` of its input record `r` (whose timestamp is `t`): code over `r` and
 * `t`, or an expression over the other columns (a computed column's) in their own `scope` (the table's,
 * unqualified: a query's alias must not change what a computed column reads).
 */
export type ColumnReader = (index: number) => string | { expr: Expr; scope: ScopeColumn[] };

/**
 * A filter and projection over a Calc's output, fused into it (Flink merges a Calc into the Calc
 * below it): a WHERE pushed into a join's input, the columns a join keeps. `where` is over the
 * output's columns as `scope` places them; `columns` the output columns kept, by index (all without).
 */
export interface CalcStage {
  scope: ScopeColumn[];
  where: Expr | undefined;
  columns: number[] | undefined;
  /** After `where`: a filter with state of its own per subtask, on two of the stage's input columns. */
  gate?: CalcGate;
}

/**
 * A filter with state fused into a Calc (nexmark q7's window Top-1 prune, joins/windowTopPrune.ts): it sees
 * column `value` and column `time` of each row the Calc would make and keeps it or not, so a row it drops
 * is never made. One per Calc; `name` names the operator.
 */
export interface CalcGate {
  value: number;
  time: number;
  name: string;
  create(ctx: OperatorContext<Row>): CalcGateState;
}

/** A gate's state in one Calc subtask: `begin` before each batch (its rows share one watermark). */
export interface CalcGateState {
  begin(): void;
  keep(value: unknown, time: number): boolean;
  onWatermarkStatus(idle: boolean): void;
}

/**
 * The Calc of `items` (and `where`, kept when TRUE) over `scope`. Without `columns` the input is rows
 * and a column is `r[i]`; with them, each column the Calc uses is read once per record into a local
 * before the WHERE, in dependency order. With `stages`, each one's WHERE follows, then its projection:
 * an item is computed once (a local `o<i>`) after the conditions before its first use, and an item no
 * stage keeps nor reads is not computed at all.
 */
export function compileCalc(scope: ScopeColumn[], where: Expr | undefined, items: Expr[], columns?: ColumnReader, stages: CalcStage[] = []): { fn: CalcFunction; types: SqlType[] } {
  const { compiler, prelude: locals } = recordCompiler(scope, columns);
  let condition = "";
  if (where) condition = `if (${booleanCode(compiler, where)} !== true) continue;`;
  let output: { code: string; type: SqlType }[];
  if (stages.length === 0) output = items.map((e) => compiler.compile(e));
  else {
    // The items each stage's input holds, by index into `items`, and the locals of those computed so far.
    let base = items.map((_, i) => i);
    const computed = new Map<number, SqlType>();
    let pending: string[] = [];
    const item = (i: number): string => {
      if (!computed.has(i)) {
        const c = compiler.compile(items[i] as Expr);
        computed.set(i, c.type);
        pending.push(`const o${i} = ${c.code};`);
      }
      return `o${i}`;
    };
    const flush = (): string => {
      const declared = pending.join(" ");
      pending = [];
      return declared;
    };
    for (const stage of stages) {
      const held = base;
      if (stage.where) {
        const code = booleanCode(
          compiler.withReads(stage.scope, (i) => item(held[i] as number)),
          stage.where,
        );
        condition += ` ${flush()} if (${code} !== true) continue;`;
      }
      if (stage.gate) {
        const { value, time } = stage.gate;
        const code = `g.keep(${item(held[value] as number)}, ${item(held[time] as number)})`;
        condition += ` ${flush()} if (!${code}) continue;`;
      }
      if (stage.columns) base = stage.columns.map((c) => held[c] as number);
    }
    output = base.map((i) => ({ code: item(i), type: computed.get(i) as SqlType }));
    condition += ` ${flush()}`;
  }
  const prelude = locals();
  const body = `let i = p.i, n = p.kept; const len = values.length;
    try {
      for (; i < len; i++) {
        const r = values[i], t = timestamps[i];
        ${prelude}
        ${condition}
        out[n] = [${output.map((c) => c.code).join(", ")}];
        outTimestamps[n] = t;
        n++;
      }
    } catch (cause) { p.i = i; p.kept = n; p.cause = cause; return false; }
    p.i = i; p.kept = n; return true;`;
  return { fn: compiler.function("values, timestamps, out, outTimestamps, p, g", body) as CalcFunction, types: output.map((c) => c.type) };
}

function booleanCode(compiler: ExprCompiler, where: Expr): string {
  const c = compiler.compile(where);
  if (c.type.name !== "BOOLEAN" && c.type.name !== "NULL") throw new StreamSqlError("validation", `a condition must be BOOLEAN, not ${c.type.name}`, where.at, undefined);
  return c.code;
}

/** One value of a record `r` (timestamp `t`), its columns read as a Calc reads them: the rowtime a record scan's source assigns. */
export function compileRecordValue(scope: ScopeColumn[], expr: Expr, columns: ColumnReader): (r: unknown, t: number) => unknown {
  const { compiler, prelude } = recordCompiler(scope, columns);
  const { code } = compiler.compile(expr);
  return compiler.function("r, t", `${prelude()} return ${code};`) as (r: unknown, t: number) => unknown;
}

/** `expr` of every record of a batch into `out`, the loop inside: the rowtimes a record scan stamps a poll's records with. */
export function compileRecordValues(scope: ScopeColumn[], expr: Expr, columns: ColumnReader): (values: readonly unknown[], out: unknown[]) => void {
  const { compiler, prelude } = recordCompiler(scope, columns);
  const { code } = compiler.compile(expr);
  return compiler.function("values, out", `for (let i = 0; i < values.length; i++) { const r = values[i]; ${prelude()} out[i] = ${code}; }`) as (values: readonly unknown[], out: unknown[]) => void;
}

/** A compiler reading each column a record's local `c<i>` (`prelude()`: their declarations, in dependency order), or `r[i]` without `columns`. */
function recordCompiler(scope: ScopeColumn[], columns: ColumnReader | undefined): { compiler: ExprCompiler; prelude: () => string } {
  const locals = new Map<number, string>();
  const read =
    columns === undefined
      ? undefined
      : (index: number): string => {
          if (!locals.has(index)) {
            const column = columns(index);
            // Set after its own reads, so a computed column's local comes after those of the columns it reads.
            locals.set(index, typeof column === "string" ? column : compiler.withScope(column.scope).compile(column.expr).code);
          }
          return `c${index}`;
        };
  const compiler: ExprCompiler = new ExprCompiler(scope, undefined, read);
  return { compiler, prelude: () => [...locals].map(([index, code]) => `const c${index} = ${code};`).join(" ") };
}

/**
 * Runs a compiled Calc over each batch. A record that throws is reported through the error policy
 * (under dead-letter it is left out, as map and filter do) and the loop resumes after it.
 */
export class CalcOperator implements Operator<unknown> {
  private readonly progress: CalcProgress = { i: 0, kept: 0, cause: undefined };
  /** The share of its rows the last batch kept: the next batch's arrays are sized for it, with some room. */
  private keptShare = 1;
  private readonly gate: CalcGateState | undefined;

  constructor(
    private readonly fn: CalcFunction,
    private readonly ctx: OperatorContext<Row>,
    gate?: CalcGate,
  ) {
    this.gate = gate?.create(ctx);
  }

  onWatermarkStatus(idle: boolean): void {
    this.gate?.onWatermarkStatus(idle);
  }

  processBatch(batch: RecordBatch<unknown>): void {
    const { values, timestamps } = batch;
    const n = values.length;
    // Sized for the share of rows the last batch kept and cut to length at the end (growing by push costs more, as
    // in FilterOperator); the loop writes on past that size where this batch keeps more. Sized for the whole batch,
    // a Calc keeping few rows (nexmark q8's person and auction sides: 2% and 6% of the events) allocated two
    // arrays of the batch's length for every batch, a tenth of SQL q8's bytes. A share, not a count: batches
    // differ in length (a source's poll cut around a watermark: ~980 rows then ~40 at p=2 for nexmark), and
    // sized for the short one's count the long one's arrays grew six times.
    const size = Math.min(n, Math.ceil(n * this.keptShare * 1.25) + 16);
    const out = new Array<Row>(size);
    const outTimestamps = new Array<number>(size);
    const p = this.progress;
    p.i = 0;
    p.kept = 0;
    const gate = this.gate;
    gate?.begin();
    while (!this.fn(values, timestamps, out, outTimestamps, p, gate)) {
      const cause = p.cause;
      p.cause = undefined;
      this.ctx.userError(cause, values[p.i], timestamps[p.i] as number);
      p.i++;
    }
    if (p.kept < size) {
      out.length = p.kept;
      outTimestamps.length = p.kept;
    }
    if (n > 0) this.keptShare = p.kept / n;
    this.ctx.output.emitBatch(out, outTimestamps);
  }
}
