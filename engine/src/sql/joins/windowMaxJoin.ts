import { normalizeKey, ownsKey } from "../../graph/keys.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import { forEachRecord } from "../../operators/forEachRecord.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { Row } from "../connectors.js";
import { joinKeyOfValue } from "./joinKey.js";

export interface WindowMaxJoinSpec {
  /** Columns of a window aggregate's row: the joined value, its window's start and end. */
  value: number;
  start: number;
  end: number;
  /** The MAX aggregate's row of a window (its layout: the MAX and the bounds where its SELECT shows them). */
  maxRow: (max: number, start: number, end: number) => Row;
  /** ON over a row and its window's MAX row (windowJoin.ts `pairPredicate`), and their joined row. */
  matches: (left: Row, right: Row) => boolean;
  concat: (left: Row, right: Row) => Row;
}

/** One window_end's best value so far and the rows that have it (ties, in arrival order). */
interface Pane {
  max: number;
  rows: Row[];
}

/** Checkpoint: per window_end, the rows held (a restore puts them back one by one). JSON-friendly. */
export interface WindowMaxJoinSnapshot {
  panes: [windowEnd: number, rows: Row[]][];
}

/** The value of a row that can equal its window's MAX (an integral column: a number): NULL never does (MAX skips it, and `NULL >= m` is not true). */
function numberAt(row: Row, column: number): number | undefined {
  const v = row[column];
  return typeof v === "number" ? v : undefined;
}

/**
 * Sluice's fusion of Flink's plan for nexmark q5: a window aggregate's rows R joined, by an inner window
 * join on the same windows and `R.v >= M.maxv`, with `M = SELECT MAX(v), window_start, window_end FROM R
 * GROUP BY window_start, window_end`. A row of R can only meet its window's MAX if its value is that MAX
 * (no row is above the MAX of its own rows), so per window_end this holds the best value so far and the
 * rows that have it; when the watermark reaches window_end - 1 the MAX is final and those rows are joined
 * with the MAX's row, as the join would have joined them (ON is still checked per pair). Flink holds every
 * row of R in the join and sends each through a second exchange to the MAX aggregate: at parallelism 2,
 * nexmark q5's ~5,000 per-auction counts of each window crossing threads twice, for one row kept.
 *
 * R's rows come from a window's firing (`firedEnds`): ahead of every watermark before them. One that comes
 * after its window fired here anyway (an idle input's watermark moved on) is late and dropped, as the
 * window join and the MAX aggregate drop it (lateRecordsDropped).
 */
export class WindowMaxJoinOperator implements Operator<Row> {
  private readonly panes = new Map<number, Pane>();

  constructor(
    private readonly spec: WindowMaxJoinSpec,
    private readonly ctx: OperatorContext<Row>,
  ) {}

  processBatch(batch: RecordBatch<Row>): void {
    const { values, timestamps } = batch;
    const watermark = this.ctx.currentWatermark();
    const { end: endColumn } = this.spec;
    forEachRecord(
      values.length,
      (i) => {
        const row = values[i] as Row;
        const end = row[endColumn] as number;
        // Flink's isWindowFired: the window's last millisecond is at or behind the watermark.
        if (end - 1 <= watermark) this.ctx.counters.lateRecordsDropped++;
        else this.put(row, end);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i] as number, (values[i] as Row)[endColumn]),
    );
  }

  private put(row: Row, end: number): void {
    const v = numberAt(row, this.spec.value);
    if (v === undefined) return;
    const pane = this.panes.get(end);
    if (pane === undefined) this.panes.set(end, { max: v, rows: [row] });
    else if (v > pane.max) {
      pane.max = v;
      pane.rows = [row];
    } else if (v === pane.max) pane.rows.push(row);
  }

  onWatermark(watermark: number): void {
    const due: number[] = [];
    for (const end of this.panes.keys()) if (end - 1 <= watermark) due.push(end);
    if (due.length === 0) return;
    due.sort((a, b) => a - b);
    for (const end of due) {
      const pane = this.panes.get(end) as Pane;
      this.panes.delete(end);
      this.fire(end, pane);
    }
  }

  private fire(windowEnd: number, pane: Pane): void {
    const timestamp = windowEnd - 1;
    const { matches, concat, maxRow, start } = this.spec;
    const { rows } = pane;
    const right = maxRow(pane.max, (rows[0] as Row)[start] as number, windowEnd);
    const output = this.ctx.output;
    forEachRecord(
      rows.length,
      (i) => {
        const left = rows[i] as Row;
        if (matches(left, right)) output.emit(concat(left, right), timestamp);
      },
      (i, cause) => this.ctx.userError(cause, rows[i], timestamp, windowEnd),
    );
  }

  snapshotState(): WindowMaxJoinSnapshot {
    return { panes: [...this.panes].map(([end, pane]) => [end, [...pane.rows]]) };
  }

  /** Adds the window_ends this subtask owns (after rescaling, several old subtasks' checkpoints, one call each). */
  restoreState(state: unknown): void {
    const owns = ownsKey(this.ctx);
    for (const [end, rows] of (state as WindowMaxJoinSnapshot).panes) {
      if (!owns(normalizeKey(joinKeyOfValue(end)))) continue;
      for (const row of rows) this.put(row, end);
    }
  }
}

/**
 * Ahead of the fused operator's exchange at parallelism above 1 (chained to the window aggregate's
 * subtask): drops a row whose value is below a row of the same window this subtask sent before — it
 * cannot be its window's MAX. Ties and better rows go on. The bests are a cache, not state: lost on
 * restore, or dropped once the watermark passes their window, they only let more rows through.
 */
export class WindowMaxPruneOperator implements Operator<Row> {
  private readonly best = new Map<number, number>();

  constructor(
    private readonly spec: Pick<WindowMaxJoinSpec, "value" | "end">,
    private readonly ctx: OperatorContext<Row>,
  ) {}

  processBatch(batch: RecordBatch<Row>): void {
    const { values, timestamps } = batch;
    const { value, end: endColumn } = this.spec;
    const output = this.ctx.output;
    for (let i = 0; i < values.length; i++) {
      const row = values[i] as Row;
      const v = numberAt(row, value);
      if (v === undefined) continue;
      const end = row[endColumn] as number;
      const b = this.best.get(end);
      if (b !== undefined && v < b) continue;
      if (b === undefined || v > b) this.best.set(end, v);
      output.emit(row, timestamps[i] as number);
    }
  }

  onWatermark(watermark: number): void {
    for (const end of this.best.keys()) if (end - 1 <= watermark) this.best.delete(end);
  }
}
