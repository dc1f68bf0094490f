import type { DataStream } from "../../api/DataStream.js";
import type { WindowAssigner } from "../../windows/WindowAssigner.js";
import { declareRowType } from "../../exchange/edgeCodec.js";
import type { Expr, FromItem, Select, WindowTvf } from "../ast.js";
import type { Change } from "../changelog.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { AppendPlanned, Planned, Relation, UpdatingPlanned } from "../planner.js";
import { expandStar } from "../selectItems.js";
import { formatType } from "../types.js";
import { planWindowAggregate } from "../windowAggregate.js";
import { sessionChanges, sessionRows, tvfAssigner, tvfColumns } from "../windowTvf.js";
import { stampedBy } from "../calc/planCalc.js";
import { stampBy, stampRowtime } from "../joins/rowtime.js";
import { narrowWindowInput } from "./narrowWindowInput.js";
import { tvfWindowProperties } from "./windowProperties.js";

/** A window TVF's input, its time attribute's index, the assigner; `unstamped`: the rows before the rowtime operator put after them. */
type WindowInput = { input: AppendPlanned & { qualifier: string | undefined }; index: number; assigner: WindowAssigner; unstamped?: DataStream<Row>; changes?: undefined };
/** A window TVF over an updating input (a deduplication keeping the last row, an upsert source): only a window aggregate reads it. */
type ChangesWindowInput = { changes: UpdatingPlanned; index: number; assigner: WindowAssigner; input?: undefined };

/**
 * The window TVFs of one planner's queries (TUMBLE, HOP, CUMULATE, SESSION): their rows when read as a
 * table, and the window aggregate fused over them. Each TVF's input is planned once, by the planner's
 * `from`, so equal window aggregates over it can share their operator (windowAggregate.ts).
 */
export class WindowTvfPlanner {
  private readonly inputs = new Map<string, WindowInput | ChangesWindowInput>();

  constructor(
    private readonly from: (item: FromItem) => Relation,
    /** Whether a FROM name is a view (whose rows may come from a join, stamped with another time: joins/rowtime.ts). */
    private readonly isView: (name: string) => boolean,
  ) {}

  /** The TVF read as a table: one row per assigned window, with window_start, window_end and window_time. */
  rows(item: WindowTvf): Relation {
    const windowInput = this.windowInput(item);
    if (windowInput.changes) return { ...tvfOverChanges(windowInput, item), qualifier: item.alias };
    const { input, index, assigner } = windowInput;
    // Flink plans a processing-time window TVF only fused into a window aggregate; in its words otherwise.
    if (!assigner.isEventTime) throw new StreamSqlError("unsupported", "Processing time Window TableFunction is not supported yet.", item.at, item.timeColumn);
    if (item.kind === "session") return { stream: sessionRows(input.stream, input.columns, item, assigner), columns: tvfColumns(input.columns), bounded: input.bounded, qualifier: item.alias };
    // Flink's window TVF: one row per assigned window, with window_start, window_end and window_time (end - 1 ms, the new rowtime).
    const stream = input.stream
      .flatMap<Row>((r, out) => {
        for (const w of assigner.assignWindows(r, r[index] as number, 0)) out.collect([...r, w.start, w.end, w.end - 1]);
      })
      .name(`${item.kind.toUpperCase()} ${assigner.toString()}`);
    const window = tvfWindowProperties(item, input.columns.length);
    return { stream, columns: tvfColumns(input.columns), bounded: input.bounded, qualifier: item.alias, ...(window ? { window } : {}) };
  }

  /**
   * `SELECT … FROM TABLE(<window TVF>) [WHERE …] GROUP BY window_start, window_end, …`: the window
   * operator assigns the windows itself, so rows are not replicated per window first (as Flink's
   * planner fuses the TVF into its window aggregate); WHERE therefore sees the input's columns only.
   */
  aggregate(select: Select, tvf: WindowTvf): Planned {
    const windowInput = this.windowInput(tvf);
    if (windowInput.changes) return this.aggregateOverChanges(select, tvf, windowInput);
    const { input, index: timeIndex, assigner, unstamped } = windowInput;
    const columns = tvfColumns(input.columns, !assigner.isEventTime);
    const scope: ScopeColumn[] = columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(tvf.alias ? { table: tvf.alias } : {}) }));
    const partitionBy = tvf.kind === "session" ? tvf.partitionBy : undefined;
    const items = expandStar(select, columns, tvf.alias);
    const window = tvf.kind === "session" ? undefined : tvf;
    const uses: Expr[] = [...items.map((i) => i.expr), ...select.groupBy, ...(select.where ? [select.where] : []), ...(select.having ? [select.having] : [])];
    for (const name of partitionBy ?? []) uses.push({ kind: "column", name, at: tvf.at });
    const narrow = narrowWindowInput(input.stream, input.columns, scope, uses, unstamped && { unstamped, index: timeIndex });
    if (narrow) return { ...planWindowAggregate({ ...narrow, assigner, attached: false, window, ...(partitionBy ? { partitionBy } : {}) }, select, items), bounded: input.bounded };
    // The window operator assigns windows itself: the rows it is keyed on are the input's, without window columns.
    declareRowType(input.stream, { fields: input.columns });
    const n = input.columns.length;
    const bounds = { start: n, end: n + 1, time: n + 2 };
    return { ...planWindowAggregate({ stream: input.stream, scope, assigner, bounds, attached: false, window, ...(partitionBy ? { partitionBy } : {}) }, select, items), bounded: input.bounded };
  }

  /** A window aggregate over an updating input: its window operator takes the changes through retracting accumulators (windows/windowOverChanges.ts). */
  private aggregateOverChanges(select: Select, tvf: WindowTvf, { changes, index, assigner }: ChangesWindowInput): Planned {
    const columns = tvfColumns(changes.columns);
    const scope: ScopeColumn[] = columns.map((c, i) => ({ name: c.name, type: c.type, index: i, ...(tvf.alias ? { table: tvf.alias } : {}) }));
    const n = changes.columns.length;
    const bounds = { start: n, end: n + 1, time: n + 2 };
    const partitionBy = tvf.kind === "session" ? tvf.partitionBy : undefined;
    const window = tvf.kind === "session" ? undefined : tvf;
    const input = { changes: { stream: changes.changes, rowtime: index }, scope, assigner, bounds, attached: false, window, ...(partitionBy ? { partitionBy } : {}) };
    return { ...planWindowAggregate(input, select, expandStar(select, columns, tvf.alias)), bounded: changes.bounded };
  }

  /** A window TVF's input relation, the index of its time attribute and the window assigner. */
  private windowInput(item: WindowTvf): WindowInput | ChangesWindowInput {
    // Planned once per TVF text, so equal window aggregates over it can share their operator (windowAggregate.ts).
    const key = JSON.stringify(item, (k, v: unknown) => (k === "at" ? undefined : v));
    const known = this.inputs.get(key);
    if (known) return known;
    const planned = this.planWindowInput(item);
    this.inputs.set(key, planned);
    return planned;
  }

  private planWindowInput(item: WindowTvf): WindowInput | ChangesWindowInput {
    const from = this.from(item.input);
    const index = from.columns.findIndex((c) => c.name.toLowerCase() === item.timeColumn.toLowerCase());
    const column = from.columns[index];
    if (!column) throw new StreamSqlError("validation", `DESCRIPTOR column ${item.timeColumn} not found`, item.at, item.timeColumn);
    if (!column.type.rowtime && !column.type.proctime)
      throw new StreamSqlError(
        "validation",
        `The window function requires the timecol is a time attribute type, but is ${formatType(column.type)} (a table's column is one with a WATERMARK FOR it; a non-windowed GROUP BY's or a regular join's output columns are not)`,
        item.at,
        item.timeColumn,
      );
    if (from.changes) {
      if (column.type.proctime) throw new StreamSqlError("unsupported", "a processing-time window TVF over an updating input is not supported yet", item.at, item.timeColumn);
      return { changes: from, index, assigner: tvfAssigner(item) };
    }
    const input = { ...from, qualifier: undefined };
    if (column.type.proctime) return { input, index, assigner: tvfAssigner(item, true) };
    // A view's rows may come from a join, whose record timestamps are not this column (joins/rowtime.ts).
    const unstamped = item.input.kind === "table" && this.isView(item.input.name) && !stampedBy(input.stream, index) ? input.stream : undefined;
    if (unstamped) return { input: { ...input, stream: stampRowtime(unstamped, index) }, index, assigner: tvfAssigner(item), unstamped };
    return { input, index, assigner: tvfAssigner(item) };
  }
}

/**
 * A window TVF's rows over an updating input, without an aggregate: each change with the bounds of each of its row's
 * windows, keeping its kind, as Flink's WindowTableFunction over a changelog (a -U gets the windows of the row it takes back).
 */
function tvfOverChanges({ changes, index, assigner }: ChangesWindowInput, item: WindowTvf): UpdatingPlanned {
  const columns = tvfColumns(changes.columns);
  if (item.kind === "session")
    return {
      changes: sessionChanges(
        stampBy(changes.changes, (c) => c.row[index] as number),
        changes.columns,
        item,
        assigner,
      ),
      columns,
      uniqueKey: undefined,
      bounded: changes.bounded,
    };
  const stream = changes.changes
    .flatMap<Change>((c, out) => {
      for (const w of assigner.assignWindows(c.row, c.row[index] as number, 0)) out.collect({ kind: c.kind, row: [...c.row, w.start, w.end, w.end - 1] });
    })
    .name(`${item.kind.toUpperCase()} ${assigner.toString()}`);
  const window = tvfWindowProperties(item, changes.columns.length);
  return { changes: stream, columns, uniqueKey: undefined, bounded: changes.bounded, ...(window ? { window } : {}) };
}
