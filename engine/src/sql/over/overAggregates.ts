import { aggregateValue } from "../aggregateValue.js";
import type { Expr } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { isIntegral, type SqlType } from "../types.js";

export const OVER_AGGREGATES = ["COUNT", "SUM", "MIN", "MAX", "AVG"];

/** Accumulators of a list of aggregate calls: per call the count, sum, min and max of its non-NULL arguments. */
export interface OverAcc {
  n: number[];
  sum: number[];
  min: unknown[];
  max: unknown[];
}

interface Call {
  name: string;
  arg: ((r: Row) => unknown) | undefined;
  integralAvg: boolean;
}

/** COUNT/SUM/MIN/MAX/AVG over the rows of an OVER window, their arguments compiled against the input's scope. */
export class OverAggregates {
  private readonly calls: Call[];
  readonly types: SqlType[];

  constructor(exprs: Extract<Expr, { kind: "call" }>[], scope: ScopeColumn[]) {
    this.calls = [];
    this.types = [];
    for (const e of exprs) {
      if (!OVER_AGGREGATES.includes(e.name))
        throw new StreamSqlError("unsupported", `${e.name} OVER (…) is not supported yet (COUNT, SUM, MIN, MAX and AVG are; ROW_NUMBER only for Top-N)`, e.at, e.name);
      if (e.distinct) throw new StreamSqlError("unsupported", `${e.name}(DISTINCT …) OVER is not supported yet`, e.at, e.name);
      if (e.filter) throw new StreamSqlError("unsupported", `${e.name}(…) FILTER (WHERE …) OVER is not supported yet`, e.filter.at, "FILTER");
      if (!e.star && e.args.length !== 1) throw new StreamSqlError("validation", `${e.name} takes one argument`, e.at, e.name);
      const arg = e.star ? undefined : new ExprCompiler(scope).value(e.args[0] as Expr);
      const argType = arg?.type ?? { name: "BIGINT" };
      this.calls.push({ name: e.name, arg: arg?.fn, integralAvg: e.name === "AVG" && isIntegral(argType) });
      this.types.push(e.name === "COUNT" ? { name: "BIGINT" } : { name: argType.name });
    }
  }

  create(): OverAcc {
    return { n: this.calls.map(() => 0), sum: this.calls.map(() => 0), min: this.calls.map(() => null), max: this.calls.map(() => null) };
  }

  /** Adds one row to `acc` in place. */
  add(acc: OverAcc, r: Row): void {
    for (let j = 0; j < this.calls.length; j++) {
      const c = this.calls[j] as Call;
      const v = c.arg ? c.arg(r) : 1;
      if (v === null || v === undefined) continue;
      acc.n[j]! += 1;
      if (typeof v === "number") acc.sum[j]! += v;
      if (acc.min[j] === null || (v as number) < (acc.min[j] as number)) acc.min[j] = v;
      if (acc.max[j] === null || (v as number) > (acc.max[j] as number)) acc.max[j] = v;
    }
  }

  /** The aggregates' values, as Flink's: SUM/AVG/MIN/MAX of no values NULL, AVG of an integer truncated. */
  values(acc: OverAcc): unknown[] {
    return this.calls.map((c, j) => aggregateValue(c.name, acc, j, c.integralAvg));
  }

  /** The aggregates over `rows`, from fresh accumulators (a bounded window is recomputed; it has no retraction to get wrong). */
  over(rows: Iterable<Row>): unknown[] {
    const acc = this.create();
    for (const r of rows) this.add(acc, r);
    return this.values(acc);
  }
}
