import type { DataStream } from "../api/DataStream.js";
import type { StreamEnvironment } from "../api/StreamEnvironment.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import type { Expr, FromItem, Query, Select } from "./ast.js";
import type { Catalog, Column } from "./catalog.js";
import { ExprCompiler, type ScopeColumn } from "./compiler.js";
import { scanTable, type Row } from "./connectors.js";
import { StreamSqlError, type SqlPosition } from "./errors.js";
import { planWindowAggregate } from "./windowAggregate.js";
import type { Change } from "./changelog.js";
import { planGroupAggregate } from "./groupAggregate.js";
import { planSelectOverChanges } from "./updatingSelect.js";
import { isNumeric, widen, type SqlType } from "./types.js";

/**
 * A planned query whose schema is known at plan time: an append-only stream of rows (arrays in
 * `columns` order), or an updating one (`changes`, a changelog of rows, from a non-windowed GROUP BY).
 */
export type Planned = AppendPlanned | UpdatingPlanned;

export interface AppendPlanned {
  stream: DataStream<Row>;
  columns: Column[];
  bounded: boolean;
  changes?: undefined;
}

export interface UpdatingPlanned {
  changes: DataStream<Change>;
  /** Output columns that key the changelog (the GROUP BY columns), if the SELECT shows them all. */
  uniqueKey: number[] | undefined;
  columns: Column[];
  bounded: boolean;
  stream?: undefined;
}

/** Name columns are qualified with (`t.col`). */
type Relation = Planned & { qualifier: string | undefined };

/** Only an append-only input is supported where `what` reads it (an updating one needs retraction there). */
export function appendOnly(planned: Planned, what: string, at: SqlPosition): AppendPlanned {
  if (planned.changes) throw new StreamSqlError("unsupported", `${what} over an updating result (a GROUP BY without a window) is not supported yet`, at, undefined);
  return planned;
}

export class Planner {
  constructor(
    private readonly env: StreamEnvironment,
    private readonly catalog: Catalog,
  ) {}

  plan(query: Query): Planned {
    if (query.kind === "select") return this.select(query);
    const inputs = query.inputs.map((q) => appendOnly(this.plan(q), "UNION ALL", query.at));
    const first = inputs[0] as AppendPlanned;
    for (const other of inputs.slice(1)) {
      if (other.columns.length !== first.columns.length) throw new StreamSqlError("validation", `UNION ALL inputs have ${first.columns.length} and ${other.columns.length} columns`, query.at, "UNION");
    }
    const columns = first.columns.map((c, i) => {
      const types = inputs.map((p) => (p.columns[i] as Column).type);
      return { name: c.name, type: types.every(isNumeric) ? types.reduce(widen) : { name: c.type.name } };
    });
    return { stream: first.stream.union(...inputs.slice(1).map((p) => p.stream)), columns, bounded: inputs.every((p) => p.bounded) };
  }

  private from(item: FromItem): Relation {
    switch (item.kind) {
      case "table": {
        const entry = this.catalog.get(item.name);
        if (!entry) throw new StreamSqlError("validation", `Object '${item.name}' not found`, item.at, item.name);
        const qualifier = item.alias ?? entry.name;
        if (entry.kind === "view") return { ...this.plan(entry.query), qualifier };
        let { stream, bounded } = scanTable(this.env, entry);
        if (entry.watermark) {
          const index = entry.columns.findIndex((c) => c.type.rowtime);
          const delay = watermarkDelay(entry.watermark.expr, entry.watermark.column);
          stream = stream.assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Row>(delay).withTimestampAssigner((r) => r[index] as number)).name(`watermarks ${entry.name}`);
        }
        return { stream, columns: entry.columns, bounded, qualifier };
      }
      case "subquery":
        return { ...this.plan(item.query), qualifier: item.alias };
      case "tumble": {
        const input = appendOnly(this.from(item.input), "a window TVF", item.at);
        const index = input.columns.findIndex((c) => c.name.toLowerCase() === item.timeColumn.toLowerCase());
        const column = input.columns[index];
        if (!column) throw new StreamSqlError("validation", `DESCRIPTOR column ${item.timeColumn} not found`, item.at, item.timeColumn);
        if (!column.type.rowtime)
          throw new StreamSqlError("validation", `The window function requires the timecol to be a time attribute (declare WATERMARK FOR ${column.name})`, item.at, item.timeColumn);
        const size = item.size;
        // Flink's TUMBLE adds window_start, window_end and window_time (end - 1 ms, the new rowtime).
        const stream = input.stream
          .map((r) => {
            const start = Math.floor((r[index] as number) / size) * size;
            return [...r, start, start + size, start + size - 1];
          })
          .name(`TUMBLE(${size} ms)`);
        const ts: SqlType = { name: "TIMESTAMP", params: [3] };
        const columns: Column[] = [
          ...input.columns.map((c) => ({ name: c.name, type: { ...c.type, rowtime: false } })),
          { name: "window_start", type: { ...ts } },
          { name: "window_end", type: { ...ts } },
          { name: "window_time", type: { ...ts, rowtime: true } },
        ];
        return { stream, columns, bounded: input.bounded, qualifier: item.alias };
      }
    }
  }

  private select(select: Select): Planned {
    if (select.distinct) throw new StreamSqlError("unsupported", "SELECT DISTINCT is not supported yet (it needs updating results)", select.at, "DISTINCT");
    const input = this.from(select.from);
    const scope: ScopeColumn[] = input.columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(input.qualifier ? { table: input.qualifier } : {}) }));
    if (input.changes) return { ...planSelectOverChanges(input, scope, select, expandStar(select, input.columns, input.qualifier)), bounded: input.bounded };
    let stream = input.stream;
    if (select.where) {
      const keep = new ExprCompiler(scope).predicate(select.where);
      stream = stream.filter(keep).name("WHERE");
    }
    const items = expandStar(select, input.columns, input.qualifier);
    if (select.groupBy.length > 0 || items.some((i) => containsAggregate(i.expr))) {
      if (select.from.kind !== "tumble") return { ...planGroupAggregate(stream, scope, select, items), bounded: input.bounded };
      return { ...planWindowAggregate(stream, scope, select, items, (select.from as { size: number }).size), bounded: input.bounded };
    }
    if (select.having) throw new StreamSqlError("validation", "HAVING needs a GROUP BY", select.having.at, "HAVING");
    const { fn, types } = new ExprCompiler(scope).rowFunction(items.map((i) => i.expr));
    const columns = items.map((i, n) => ({ name: i.name, type: { ...(types[n] ?? { name: "NULL" }), ...(isRowtimeRef(i.expr, scope) ? { rowtime: true } : {}) } }));
    return { stream: stream.map(fn).name("SELECT"), columns, bounded: input.bounded };
  }
}

export interface NamedItem {
  expr: Expr;
  name: string;
}

/** `*` expanded; names as Flink gives them: the alias, the column name, or EXPR$n by position. */
function expandStar(select: Select, columns: Column[], qualifier: string | undefined): NamedItem[] {
  return select.items.flatMap((item, n) => {
    if (item.kind === "star") return columns.map((c) => ({ expr: { kind: "column", name: c.name, ...(qualifier ? { table: qualifier } : {}), at: item.at } as Expr, name: c.name }));
    return [{ expr: item.expr, name: item.alias ?? (item.expr.kind === "column" ? item.expr.name : `EXPR$${n}`) }];
  });
}

const AGGREGATES = new Set(["COUNT", "SUM", "MIN", "MAX", "AVG"]);

export function containsAggregate(e: Expr): boolean {
  switch (e.kind) {
    case "call":
      return AGGREGATES.has(e.name) || e.args.some(containsAggregate);
    case "unary":
    case "cast":
    case "isNull":
      return containsAggregate(e.arg);
    case "binary":
      return containsAggregate(e.left) || containsAggregate(e.right);
    case "case":
      return e.whens.some((w) => containsAggregate(w.when) || containsAggregate(w.then)) || (e.else !== undefined && containsAggregate(e.else));
    default:
      return false;
  }
}

function isRowtimeRef(e: Expr, scope: ScopeColumn[]): boolean {
  return e.kind === "column" && scope.some((c) => c.name.toLowerCase() === e.name.toLowerCase() && c.type.rowtime);
}

/** `ts` or `ts - INTERVAL 'n' unit`: the bounded out-of-orderness Flink derives from the same expression. */
function watermarkDelay(expr: Expr, column: string): number {
  if (expr.kind === "column" && expr.name.toLowerCase() === column.toLowerCase()) return 0;
  if (expr.kind === "binary" && expr.op === "-" && expr.left.kind === "column" && expr.left.name.toLowerCase() === column.toLowerCase() && expr.right.kind === "interval") return expr.right.millis;
  throw new StreamSqlError("unsupported", `WATERMARK expressions other than ${column} - INTERVAL '…' … are not supported yet`, expr.at, undefined);
}
