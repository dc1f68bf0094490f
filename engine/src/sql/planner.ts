import type { DataStream } from "../api/DataStream.js";
import type { StreamEnvironment } from "../api/StreamEnvironment.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import type { Expr, FromItem, Query, Select, WindowTvf } from "./ast.js";
import type { Catalog, Column, TableEntry } from "./catalog.js";
import { RecordingLookup, withFunctions, type ResolvedFunction } from "./functions/functionScope.js";
import { ExprCompiler, type ScopeColumn } from "./compiler.js";
import type { Row, ScanResult } from "./connectors.js";
import { scanWithComputedColumns } from "./ddl/computedColumns.js";
import { StreamSqlError, type SqlPosition } from "./errors.js";
import { containsAggregate, expandStar } from "./selectItems.js";
import { mergeProjection } from "./optimize/mergeProjections.js";
import { planCalc, shareCalc } from "./calc/planCalc.js";
import { countViewReads } from "./optimize/viewReads.js";
import { recordScan, type RecordScan } from "./scan/recordScan.js";
import { planWindowAggregate } from "./windowAggregate.js";
import type { WindowAggregateRows, WindowExtreme, WindowGroups, WindowMax } from "./windows/fusedShapes.js";
import type { Change } from "./changelog.js";
import { planSelectDistinct } from "./distinct/selectDistinct.js";
import { planGroupAggregate } from "./groupAggregate.js";
import { planJoin, selectOverJoin } from "./joins/planJoin.js";
import { planJoinAggregate } from "./joins/planJoinAggregate.js";
import { rowtimeOf } from "./joins/rowtime.js";
import { hasSubqueryConjunct, planSubqueryJoins } from "./joins/planSemiJoin.js";
import { sourceIdleTimeoutOf } from "./scan/sourceIdleTimeout.js";
import { watermarkPushDown } from "./scan/watermarkPushDown.js";
import { planSelectOverChanges } from "./updatingSelect.js";
import { SqlWatermarkAssigner } from "./watermarks.js";
import { WindowTvfPlanner } from "./windows/windowTvfPlan.js";
import { atReference, unionColumns } from "./validation/typeRules.js";
import { containsOver, planOverAggregate } from "./over/overAggregate.js";
import { rewriteGroupedRank } from "./rank/groupedRank.js";
import type { Monotonicity } from "./rank/monotonicity.js";
import { planRank, rankInput } from "./rank/rankPlan.js";
import { planMatchRecognize } from "./matchRecognize/planMatchRecognize.js";
import { rewriteGroupWindow } from "./windows/legacyGroupWindow.js";
import { projectedFiredEnds } from "./joins/firedWindowEnds.js";
import { planSortLimit } from "./sort/sortLimit.js";
import { declareRowType } from "../exchange/edgeCodec.js";
import { attachedWindows, groupsByWindow, projectedWindowProperties, resolveColumn, type WindowProperties } from "./windows/windowProperties.js";

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
  /** Which columns are the bounds of the windows that made the rows (windows/windowProperties.ts). */
  window?: WindowProperties;
  /** A table scan's own records, which a Calc straight over the scan reads instead of `stream` (scan/recordScan.ts). */
  records?: RecordScan;
  /** Columns that hold the window_end of the event-time window that emitted each row: ahead of every watermark before the row (joins/firedWindowEnds.ts). */
  firedEnds?: number[];
  /** A window aggregate's groups alone, which a window join may hold itself (windowAggregate.ts, joins/windowGroupJoin.ts). */
  groups?: WindowGroups;
  /** The rows as columns of a window aggregate's rows (windowAggregate.ts), and a MAX per window over such rows: joins/planWindowMaxJoin.ts. */
  projection?: WindowAggregateRows;
  windowMax?: WindowMax;
  /** A window aggregate's MAX or MIN alone, which may read its input pruned (windowAggregate.ts, joins/planWindowTopPrune.ts). */
  extreme?: WindowExtreme;
}

export interface UpdatingPlanned {
  changes: DataStream<Change>;
  /** Output columns that key the changelog (the GROUP BY columns), if the SELECT shows them all. */
  uniqueKey: number[] | undefined;
  /** How each column can change, where known (rank/monotonicity.ts): Top-N takes Flink's UpdatableTopN by it. */
  monotonicity?: Monotonicity[];
  columns: Column[];
  bounded: boolean;
  stream?: undefined;
  /** A window TVF's changes (its rows over an updating input): a window join or window Top-N over them fails as in Flink. */
  window?: WindowProperties;
  firedEnds?: undefined;
  groups?: undefined;
  projection?: undefined;
  windowMax?: undefined;
  extreme?: undefined;
}

/** Name columns are qualified with (`t.col`); a join's columns each have their side's (`qualifiers`). */
/** `primaryKey`: a table's declared PRIMARY KEY, as column indexes (a temporal join's versioned table needs one). */
export type Relation = Planned & { qualifier: string | undefined; qualifiers?: (string | undefined)[]; primaryKey?: number[] };

/** Only an append-only input is supported where `what` reads it (an updating one needs retraction there). */
export function appendOnly(planned: Planned, what: string, at: SqlPosition): AppendPlanned {
  if (planned.changes) throw new StreamSqlError("unsupported", `${what} over an updating result (a GROUP BY without a window) is not supported yet`, at, undefined);
  return planned;
}

export class Planner {
  private readonly scans = new Map<string, ScanResult>();
  /** The window TVFs' inputs, planned once each, their rows and the window aggregates over them (windows/windowTvfPlan.ts). */
  private readonly windowTvfs: WindowTvfPlanner;
  /** Each view planned once per planner, its plan shared by every read (Flink's sub-plan reuse): one Calc over the scan for q7's two reads of `bid`. */
  private readonly views = new Map<string, Planned>();
  /** How often the queries planned (or announced by `expect`) read each view (optimize/viewReads.ts). */
  private readonly viewReads = new Map<string, number>();
  private readonly counted = new WeakSet<Query>();
  private depth = 0;
  /** The catalog's functions, recording which the planned queries call (functions/functionScope.ts). */
  private readonly functions: RecordingLookup;

  constructor(
    private readonly env: StreamEnvironment,
    private readonly catalog: Catalog,
  ) {
    this.functions = new RecordingLookup(catalog.functions);
    this.windowTvfs = new WindowTvfPlanner(
      (item) => this.from(item),
      (name) => this.catalog.get(name)?.kind === "view",
    );
  }

  /** The user-defined functions the queries planned so far call. */
  functionsUsed(): ResolvedFunction[] {
    return [...this.functions.used.values()];
  }

  /** Each planned stream's rows declare their row type, so a keyed or rebalance edge from it crosses threads as columns. */
  plan(query: Query): Planned {
    if (this.depth === 0) this.expect([query]);
    this.depth++;
    let planned: Planned;
    try {
      planned = withFunctions(this.functions, () => this.planQuery(query));
    } finally {
      this.depth--;
    }
    if (planned.stream) declareRowType(planned.stream, { fields: planned.columns });
    return planned;
  }

  /** Every query this planner will plan into one job (a statement set's INSERTs), so a view they read more than once is planned once for all. */
  expect(queries: readonly Query[]): void {
    const fresh = queries.filter((q) => !this.counted.has(q));
    countViewReads(fresh, (name) => this.viewQuery(name), this.viewReads);
    for (const q of fresh) this.counted.add(q);
  }

  private planQuery(query: Query): Planned {
    if (query.kind === "select") return this.select(query);
    const inputs = query.inputs.map((q) => appendOnly(this.plan(q), "UNION ALL", query.at));
    const first = inputs[0] as AppendPlanned;
    for (const other of inputs.slice(1)) {
      if (other.columns.length !== first.columns.length) throw new StreamSqlError("validation", `UNION ALL inputs have ${first.columns.length} and ${other.columns.length} columns`, query.at, "UNION");
    }
    const columns = unionColumns(
      inputs.map((p) => p.columns),
      query.at,
    );
    return { stream: first.stream.union(...inputs.slice(1).map((p) => p.stream)), columns, bounded: inputs.every((p) => p.bounded) };
  }

  /** A table Flink reads as a lookup source (declared with the legacy keys), for a processing-time temporal join. */
  private lookupTable(name: string): TableEntry | undefined {
    const entry = this.catalog.get(name);
    return entry?.kind === "table" && entry.lookup ? entry : undefined;
  }

  private viewQuery(name: string): Query | undefined {
    const entry = this.catalog.get(name);
    return entry?.kind === "view" ? entry.query : undefined;
  }

  private from(item: FromItem): Relation {
    switch (item.kind) {
      case "join":
        return planJoin(
          item,
          (side) => this.from(side),
          undefined,
          (name) => this.lookupTable(name),
        );
      case "table": {
        const entry = this.catalog.get(item.name);
        if (!entry) throw new StreamSqlError("validation", `Object '${item.name}' not found`, item.at, item.name);
        if (item.asOf) throw new StreamSqlError("validation", "FOR SYSTEM_TIME AS OF is only supported on the right side of a JOIN", item.asOf.at, "FOR");
        const qualifier = item.alias ?? entry.name;
        if (entry.kind === "view") return { ...this.view(entry.name, entry.query), qualifier };
        const primaryKey = entry.primaryKey?.map((k) => entry.columns.findIndex((c) => c.name === k));
        return { ...this.scan(entry, item.at), columns: entry.columns, qualifier, ...(primaryKey ? { primaryKey } : {}) };
      }
      case "subquery":
        return { ...this.plan(item.query), qualifier: item.alias };
      case "matchRecognize":
        return planMatchRecognize(item.spec, item.alias, (input) => this.from(input));
      case "tumble":
      case "hop":
      case "cumulate":
      case "session":
        return this.windowTvfs.rows(item);
    }
  }

  private view(name: string, query: Query): Planned {
    const key = name.toLowerCase();
    const known = this.views.get(key);
    if (known) return known;
    const planned = this.plan(query);
    // Read more than once: every reader takes the one Calc's rows; fusing a reader's projection into it would plan a second Calc.
    if ((this.viewReads.get(key) ?? 0) > 1 && planned.stream) shareCalc(planned.stream);
    this.views.set(key, planned);
    return planned;
  }

  /** A table's rows with its watermarks; planned once per planner, so every reader of the table (a statement set's INSERTs) shares one scan, as Flink reuses sources. */
  private scan(entry: TableEntry, at: SqlPosition): ScanResult {
    const key = entry.name.toLowerCase();
    const known = this.scans.get(key);
    if (known) return known;
    const watermark = (w: NonNullable<TableEntry["watermark"]>) => ({ index: entry.columns.findIndex((c) => c.type.rowtime), delay: watermarkDelay(w.expr, w.column) });
    const records = atReference(at, () => recordScan(this.env, entry, entry.watermark && (() => watermark(entry.watermark!))));
    // A source made of splits (Kafka) generates the watermark itself, per split (scan/watermarkPushDown.ts).
    const pushed = records === undefined && entry.watermark ? atReference(at, () => watermarkPushDown(this.env, entry, watermark(entry.watermark!))) : undefined;
    let scanned: ScanResult = records ?? pushed ?? atReference(at, () => scanWithComputedColumns(this.env, entry));
    // A changelog source (upsert-kafka) assigns its own watermarks; a record scan's source does (scan/recordScan.ts).
    if (!scanned.changes && entry.watermark && !records && !pushed) {
      const { index, delay } = watermark(entry.watermark);
      const idleTimeout = sourceIdleTimeoutOf(this.env);
      const strategy = WatermarkStrategy.forGenerator<Row>(() => new SqlWatermarkAssigner(delay)).withTimestampAssigner((r) => rowtimeOf(r, index));
      const stream = scanned.stream.assignTimestampsAndWatermarks(idleTimeout === undefined ? strategy : strategy.withIdleness(idleTimeout)).name(`watermarks ${entry.name}`);
      // Per reader, before the rows are spread (Flink's WatermarkAssigner chained to its source): spread first, which rows are late would depend on how they interleave.
      if (scanned.parallelism !== undefined) stream.setParallelism(scanned.parallelism);
      scanned = { stream, bounded: scanned.bounded };
    }
    this.scans.set(key, scanned);
    return scanned;
  }

  private select(select: Select): Planned {
    if (select.orderBy || select.limit !== undefined || select.offset !== undefined) return planSortLimit(select, (s) => this.select(s));
    if (select.distinct) return planSelectDistinct(this.select({ ...select, distinct: false }), select);
    const ranked = rankInput(select);
    if (ranked) {
      const grouped = rewriteGroupedRank(select, ranked, (s) => s.items.some((i) => i.kind === "expr" && containsAggregate(i.expr)));
      if (grouped) return this.select(grouped);
      const input = this.from(ranked.from);
      const qualifiers = input.qualifiers ?? input.columns.map(() => input.qualifier);
      const scope = input.columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(qualifiers[index] ? { table: qualifiers[index] } : {}) }));
      return { ...planRank(input, scope, select, ranked, expandStar, input.columns), bounded: input.bounded };
    }
    // Only plain projections and filters merge: aggregates and OVER (incl. ROW_NUMBER) keep their own operator. A filter
    // over a Top-N or deduplication stays after it (Flink's Calc over its Rank): merged, it would sit beside the rank's.
    const merged = mergeProjection(
      select,
      (name) => this.viewQuery(name),
      (s) => s.items.some((i) => i.kind === "expr" && (containsAggregate(i.expr) || containsOver(i.expr))) || (s !== select && select.where !== undefined && rankInput(s) !== undefined),
    );
    if (merged) return this.select(merged);
    const windowed = rewriteGroupWindow(select);
    if (windowed) return this.select(windowed);
    const aggregated = select.groupBy.length > 0 || select.items.some((i) => i.kind === "expr" && containsAggregate(i.expr));
    if (aggregated && isWindowTvf(select.from)) return this.windowTvfs.aggregate(select, select.from);
    // A SELECT over a join: WHERE on one side filters that side first, columns it never reads are not kept (planJoin).
    const over = select.from.kind === "join" && !hasSubqueryConjunct(select.where) ? selectOverJoin(select) : undefined;
    let fused = false;
    if (over && aggregated) {
      // The GROUP BY inside the join where that is exact (joins/planJoinAggregate.ts): the join then hands back the aggregate's changes.
      const grouping = select;
      over.aggregate = (join) => {
        const planned = planJoinAggregate(join, grouping, over.where, (columns, qualifiers) => expandStar(grouping, columns, qualifiers));
        fused = planned !== undefined;
        return planned;
      };
    }
    let input =
      over && select.from.kind === "join"
        ? planJoin(
            select.from,
            (side) => this.from(side),
            over,
            (name) => this.lookupTable(name),
          )
        : this.from(select.from);
    if (fused) return input;
    if (over && over.where !== select.where) {
      const { where: _, ...others } = select;
      select = over.where ? { ...others, where: over.where } : others;
    }
    if (hasSubqueryConjunct(select.where)) {
      const joined = planSubqueryJoins(select, input, (item) => this.from(item));
      input = joined.input;
      const { where: _, ...others } = select;
      select = joined.where ? { ...others, where: joined.where } : others;
    }
    const qualifiers = input.qualifiers ?? input.columns.map(() => input.qualifier);
    const scope: ScopeColumn[] = input.columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(qualifiers[index] ? { table: qualifiers[index] } : {}) }));
    if (input.changes && select.items.some((i) => i.kind === "expr" && containsOver(i.expr))) appendOnly(input, "OVER", select.at);
    // A GROUP BY on both bounds of a window TVF's changes (through a subquery or view) is still Flink's window aggregate over them.
    if (input.changes && aggregated && groupsByWindow(select, scope, input.window)) {
      const { window } = input;
      const changes = { stream: input.changes, rowtime: window.start };
      const attached = { changes, scope, assigner: attachedWindows(window, (c) => (c as Change).row), bounds: window, attached: true, window: window.tvf };
      return { ...planWindowAggregate(attached, select, expandStar(select, input.columns, qualifiers)), bounded: input.bounded };
    }
    if (input.changes) return { ...planSelectOverChanges(input, scope, select, expandStar(select, input.columns, qualifiers)), bounded: input.bounded };
    if (aggregated && groupsByWindow(select, scope, input.window)) {
      const attached = {
        stream: input.stream,
        scope,
        assigner: attachedWindows(input.window),
        bounds: input.window,
        attached: true,
        window: input.window.tvf,
        ...(input.projection ? { rowsOf: input.projection } : {}),
      };
      return { ...planWindowAggregate(attached, select, expandStar(select, input.columns, qualifiers)), bounded: input.bounded };
    }
    const items = expandStar(select, input.columns, qualifiers);
    const overAggregate = items.some((i) => containsOver(i.expr));
    if (overAggregate || aggregated) {
      let stream = input.stream;
      if (select.where) stream = stream.filter(new ExprCompiler(scope).predicate(select.where)).name("WHERE");
      if (overAggregate) return { ...planOverAggregate(stream, scope, select, items), bounded: input.bounded };
      return { ...planGroupAggregate(declareRowType(stream, { fields: input.columns }), scope, select, items), bounded: input.bounded };
    }
    if (select.having) throw new StreamSqlError("validation", "HAVING needs a GROUP BY", select.having.at, "HAVING");
    const { stream, types } = planCalc(
      input,
      scope,
      select.where,
      items.map((i) => i.expr),
    );
    const columns = items.map((i, n) => ({ name: i.name, type: { ...(types[n] ?? { name: "NULL" }), ...(isRowtimeRef(i.expr, scope) ? { rowtime: true } : {}) } }));
    const window = projectedWindowProperties(
      input.window,
      items.map((i) => i.expr),
      (e) => resolveColumn(e, scope)?.index,
    );
    const firedEnds = projectedFiredEnds(input.firedEnds, items, (e) => resolveColumn(e, scope)?.index);
    return { stream, columns, bounded: input.bounded, ...(window ? { window } : {}), ...(firedEnds ? { firedEnds } : {}) };
  }
}

function isWindowTvf(item: FromItem): item is WindowTvf {
  return item.kind === "tumble" || item.kind === "hop" || item.kind === "cumulate" || item.kind === "session";
}

function isRowtimeRef(e: Expr, scope: ScopeColumn[]): boolean {
  return e.kind === "column" && scope.some((c) => c.name.toLowerCase() === e.name.toLowerCase() && c.type.rowtime);
}

/** `ts` or `ts - INTERVAL 'n' unit`: the bounded out-of-orderness Flink derives from the same expression. */
export function watermarkDelay(expr: Expr, column: string): number {
  if (expr.kind === "column" && expr.name.toLowerCase() === column.toLowerCase()) return 0;
  if (expr.kind === "binary" && expr.op === "-" && expr.left.kind === "column" && expr.left.name.toLowerCase() === column.toLowerCase() && expr.right.kind === "interval") return expr.right.millis;
  throw new StreamSqlError("unsupported", `WATERMARK expressions other than ${column} - INTERVAL '…' … are not supported yet`, expr.at, undefined);
}
