/**
 * DEFINE conditions and MEASURES of MATCH_RECOGNIZE, compiled by the SQL expression compiler with
 * pattern navigation resolved as Flink's MatchCodeGenerator does: `A.price` is the last row mapped to
 * A (in DEFINE of A itself, the row being tried); a column without a variable is the row being tried
 * in DEFINE and the match's last row in MEASURES; `FIRST/LAST(x, n)` count from either end of the rows
 * mapped so far (`PREV(x, 0)` is x; other PREV offsets Flink rejects); aggregates run over the rows of the
 * one variable their argument names (all rows without one). The navigation object rides in the row
 * array at `navIndex`, so the compiled code stays one function per expression.
 */
import { aggregateResultType } from "../aggregates/aggregateType.js";
import type { CepConditionContext } from "../../cep/Pattern.js";
import { aggregateValue, type AggregateSlots } from "../aggregateValue.js";
import { children, type Expr } from "../ast.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { isIntegral, type SqlType } from "../types.js";

/** All rows of the match, in pattern order (Flink's default variable `*`). */
export const ALL = "*";

interface AggregateSpec {
  name: string;
  variable: string;
  arg: ((r: Row) => unknown) | undefined;
  integralAvg: boolean;
}

/** What compiled DEFINE/MEASURES code calls at run time. */
export abstract class PatternNavigation {
  private readonly lists = new Map<string, Row[]>();
  constructor(private readonly aggregates: AggregateSpec[]) {}

  protected abstract rowsOf(variable: string): Row[];

  private list(variable: string): Row[] {
    let rows = this.lists.get(variable);
    if (rows === undefined) this.lists.set(variable, (rows = this.rowsOf(variable)));
    return rows;
  }

  get(variable: string, first: boolean, offset: number, index: number): unknown {
    const rows = this.list(variable);
    if (rows.length <= offset) return null;
    return (rows[first ? offset : rows.length - 1 - offset] as Row)[index] ?? null;
  }

  agg(j: number): unknown {
    const a = this.aggregates[j] as AggregateSpec;
    const acc: AggregateSlots = { n: [0], sum: [0], min: [null], max: [null] };
    for (const row of this.list(a.variable)) {
      const v = a.arg === undefined ? 1 : a.arg(row);
      if (v === null || v === undefined) continue;
      acc.n[0]!++;
      if (typeof v === "number") acc.sum[0] = (acc.sum[0] as number) + v;
      if (acc.min[0] === null || (v as number) < (acc.min[0] as number)) acc.min[0] = v;
      if (acc.max[0] === null || (v as number) > (acc.max[0] as number)) acc.max[0] = v;
    }
    return aggregateValue(a.name, acc, 0, a.integralAvg);
  }

  abstract rowtime(): number;
}

/** DEFINE of `current`: the rows mapped so far (`ctx`) plus the row being tried. */
export class DefineNavigation extends PatternNavigation {
  constructor(
    aggregates: AggregateSpec[],
    private readonly row: Row,
    private readonly ctx: CepConditionContext<Row>,
    private readonly current: string,
    /** The variables up to and including `current`, in pattern order. */
    private readonly names: readonly string[],
  ) {
    super(aggregates);
  }
  protected rowsOf(variable: string): Row[] {
    if (variable === ALL) return [...this.names.flatMap((n) => this.ctx.getEventsForPattern(n)), this.row];
    const rows = this.ctx.getEventsForPattern(variable);
    return variable === this.current ? [...rows, this.row] : rows;
  }
  rowtime(): number {
    return this.ctx.timestamp();
  }
}

/** MEASURES of a complete match. */
export class MeasureNavigation extends PatternNavigation {
  constructor(
    aggregates: AggregateSpec[],
    private readonly match: Map<string, Row[]>,
    private readonly names: readonly string[],
    private readonly timestamp: number,
  ) {
    super(aggregates);
  }
  protected rowsOf(variable: string): Row[] {
    return variable === ALL ? this.names.flatMap((n) => this.match.get(n) ?? []) : (this.match.get(variable) ?? []);
  }
  rowtime(): number {
    return this.timestamp;
  }
}

const AGGREGATES = new Set(["COUNT", "SUM", "MIN", "MAX", "AVG"]);

/**
 * Compiles expressions over pattern variables. `define` names the variable whose condition this is
 * (undefined for MEASURES); the navigation object is `r[navIndex]`.
 */
export class MatchExprCompiler {
  readonly aggregates: AggregateSpec[] = [];
  private first = false;
  private offset = 0;
  private readonly compiler: ExprCompiler;
  private readonly nav: string;

  constructor(
    private readonly scope: ScopeColumn[],
    private readonly variables: readonly string[],
    private readonly define: string | undefined,
    navIndex: number,
  ) {
    this.nav = `r[${navIndex}]`;
    this.compiler = new ExprCompiler(scope, (e) => this.resolve(e));
  }

  value(e: Expr): { fn: (r: Row) => unknown; type: SqlType } {
    return this.compiler.value(e);
  }

  predicate(e: Expr): (r: Row) => boolean {
    return this.compiler.predicate(e);
  }

  private variable(name: string): string | undefined {
    return this.variables.find((v) => v.toLowerCase() === name.toLowerCase());
  }

  private column(e: Extract<Expr, { kind: "column" }>): ScopeColumn {
    const c = this.scope.find((s) => s.name.toLowerCase() === e.name.toLowerCase());
    if (!c) throw new StreamSqlError("validation", `Column '${e.table ? e.table + "." : ""}${e.name}' not found in any table`, e.at, e.name);
    return c;
  }

  private navigate(variable: string, c: ScopeColumn): Compiled {
    const { name, params, fields } = c.type;
    return { code: `${this.nav}.get(${JSON.stringify(variable)}, ${this.first}, ${this.offset}, ${c.index})`, type: { name, ...(params ? { params } : {}), ...(fields ? { fields } : {}) } };
  }

  private resolve(e: Expr): Compiled | undefined {
    if (e.kind === "column") {
      const variable = e.table === undefined ? ALL : this.variable(e.table);
      if (variable === undefined) return undefined;
      const c = this.column(e);
      const here = !this.first && this.offset === 0;
      // The row being tried, read straight from the row (MatchCodeGenerator's generateInputAccess).
      if (this.define !== undefined && here && (variable === ALL || variable === this.define)) return { code: `r[${c.index}]`, type: { name: c.type.name } };
      return this.navigate(variable, c);
    }
    if (e.kind !== "call" || e.over) return undefined;
    switch (e.name) {
      case "FIRST":
      case "LAST":
      case "PREV":
        return this.offsetCall(e);
      case "NEXT":
        throw new StreamSqlError("unsupported", "Flink does not support physical offsets within partition.", e.at, e.name);
      case "MATCH_ROWTIME":
        if (e.args.length > 0) throw new StreamSqlError("unsupported", "MATCH_ROWTIME with an argument is not supported yet", e.at, e.name);
        return { code: `${this.nav}.rowtime()`, type: { name: "TIMESTAMP", params: [3], nullable: false, rowtime: true } };
      case "MATCH_PROCTIME":
        // Flink's proctime attribute (TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*), materialized as the clock when the match goes out.
        if (e.args.length > 0) throw new StreamSqlError("validation", "MATCH_PROCTIME() takes no arguments", e.at, e.name);
        return { code: "$.proctime()", type: { name: "TIMESTAMP", params: [3], nullable: false, proctime: true } };
      case "CLASSIFIER":
        throw new StreamSqlError("unsupported", `${e.name}() is not supported yet`, e.at, e.name);
      default:
        return AGGREGATES.has(e.name) ? this.aggregate(e) : undefined;
    }
  }

  /** `FIRST(x[, n])`, `LAST(x[, n])`, `PREV(x, 0)`. */
  private offsetCall(e: Extract<Expr, { kind: "call" }>): Compiled {
    const [arg, count] = e.args;
    if (arg === undefined || e.args.length > 2) throw new StreamSqlError("validation", `${e.name} takes an expression and an optional offset`, e.at, e.name);
    let offset = e.name === "PREV" ? 1 : 0;
    if (count !== undefined) {
      if (count.kind !== "literal" || typeof count.value !== "number" || !Number.isInteger(count.value) || count.value < 0)
        throw new StreamSqlError("validation", `the offset of ${e.name} must be a non-negative integer literal`, count.at, undefined);
      offset = count.value;
    }
    // PREV(x, n) is a physical offset, which Flink's MatchCodeGenerator rejects unless n is 0.
    if (e.name === "PREV" && offset !== 0) throw new StreamSqlError("unsupported", "Flink does not support physical offsets within partition.", e.at, e.name);
    const saved = [this.first, this.offset] as const;
    if (e.name === "PREV") return this.compiler.compile(arg);
    [this.first, this.offset] = [e.name === "FIRST", offset];
    try {
      return this.compiler.compile(arg);
    } finally {
      [this.first, this.offset] = saved;
    }
  }

  private aggregate(e: Extract<Expr, { kind: "call" }>): Compiled {
    if (e.distinct) throw new StreamSqlError("unsupported", "DISTINCT aggregations are not supported in MATCH_RECOGNIZE", e.at, e.name);
    const refs = new Set<string>();
    const walk = (x: Expr): void => {
      if (x.kind === "column") refs.add(x.table === undefined ? ALL : (this.variable(x.table) ?? x.table));
      children(x).forEach(walk);
    };
    e.args.forEach(walk);
    if (refs.size > 1) throw new StreamSqlError("validation", `an aggregate in MATCH_RECOGNIZE must reference a single pattern variable, not ${[...refs].join(", ")}`, e.at, e.name);
    const variable = [...refs][0] ?? ALL;
    // The argument over one mapped row: its variable's columns are plain columns of that row.
    const argCompiler = new ExprCompiler(this.scope, (x) =>
      x.kind === "column" && x.table !== undefined && this.variable(x.table) ? { code: `r[${this.column(x).index}]`, type: { name: this.column(x).type.name } } : undefined,
    );
    const arg = e.star || e.args[0] === undefined ? undefined : argCompiler.value(e.args[0]);
    const argType: SqlType = arg?.type ?? { name: "BIGINT" };
    this.aggregates.push({ name: e.name, variable, arg: arg?.fn, integralAvg: e.name === "AVG" && isIntegral(argType) });
    return { code: `${this.nav}.agg(${this.aggregates.length - 1})`, type: aggregateResultType(e.name, argType) };
  }
}
