import type { DataStream } from "../../api/DataStream.js";
import { declareRowType } from "../../exchange/edgeCodec.js";
import type { StreamNode } from "../../graph/StreamGraph.js";
import type { Expr, FromItem } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import type { Relation } from "../planner.js";
import type { OperatorContext } from "../../operators/Operator.js";
import { fuseIntoCalc } from "../calc/planCalc.js";
import { MAX_WINDOWS_PER_ROW, WindowTopGate, WindowTopPruneOperator } from "./windowTopPrune.js";

export interface WindowTopPruneInput {
  /** The join's two FROM items as written (left, right) and which of them is the rowtime side. */
  sides: { left: FromItem; right: FromItem };
  timeSide: "left" | "right";
  timeRelation: Relation;
  windowRelation: Relation;
  scope: ScopeColumn[];
  leftWidth: number;
  keys: { left: Expr; right: Expr }[];
  /** The rowtime column (index in the time side's row) and the bounds on `time - window_end` (ms). */
  time: number;
  lower: number;
  upper: number;
}

const VALUE_TYPES = new Set(["TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE"]);

/**
 * Nexmark q7's shape as a rule: `t JOIN (SELECT MAX(c) AS m, window_end … FROM TABLE(TUMBLE(TABLE t,
 * DESCRIPTOR(ts), size)) GROUP BY window_start, window_end) w ON t.c = w.m AND t.ts BETWEEN w.end - a AND
 * w.end + b` (MIN alike, either side, the bounds in ON or WHERE). The bounded join (planBoundedJoin.ts)
 * then needs only the rows of t that may still equal their windows' MAX: windowTopPrune.ts drops the
 * others before the join's exchange, so the join stores a window's running maxima (ties kept), not every
 * row for the retention. Flink has no such plan (its regular join keeps every row); the rows are Flink's
 * (test/flink-sql/cases/windowTop.ts). `window`: the window side's aggregate planned over the kept rows too
 * (where that gives its rows), so it need not read every row either. Undefined, so the bounded join keeps every row, when:
 * - the window side is anything but that aggregate over the same table (no WHERE: the join side may
 *   have one, as it only removes rows), or the key is not the aggregated column itself;
 * - the time side is not that table's scan through forward edges at one parallelism (the prune's
 *   watermark must be at least the aggregate's for each row: windowTopPrune.ts);
 * - the bounds let a row meet more than MAX_WINDOWS_PER_ROW windows (a range far wider than the window).
 */
export function planWindowTopPrune(input: WindowTopPruneInput): { stream: DataStream<Row>; window: DataStream<Row> | undefined; name: string } | undefined {
  const { timeSide, timeRelation, scope, leftWidth, time, lower, upper } = input;
  const timeItem = input.sides[timeSide];
  const windowItem = input.sides[timeSide === "left" ? "right" : "left"];
  if (timeItem.kind !== "table" || timeItem.asOf || windowItem.kind !== "subquery") return undefined;
  const select = windowItem.query;
  if (select.kind !== "select" || select.distinct || select.where || select.windows || select.orderBy || select.limit !== undefined) return undefined;
  const tvf = select.from;
  if (tvf.kind !== "tumble" || tvf.input.kind !== "table" || tvf.input.name.toLowerCase() !== timeItem.name.toLowerCase()) return undefined;
  if (select.groupBy.length === 0 || !select.groupBy.every((g) => g.kind === "column" && /^window_(start|end|time)$/i.test(g.name))) return undefined;
  if (!select.items.every((i) => i.kind === "expr")) return undefined;

  const timeOffset = timeSide === "left" ? 0 : leftWidth;
  const windowOffset = timeSide === "left" ? leftWidth : 0;
  const timeColumn = scope[timeOffset + time];
  if (!timeColumn || timeColumn.type.name !== "TIMESTAMP" || timeColumn.name.toLowerCase() !== tvf.timeColumn.toLowerCase()) return undefined;
  const found = input.keys.flatMap((k) => {
    const [t, w] = timeSide === "left" ? [k.left, k.right] : [k.right, k.left];
    const tc = t.kind === "column" ? resolve(scope, t) : undefined;
    const wc = w.kind === "column" ? resolve(scope, w) : undefined;
    if (!tc || !wc) return [];
    const item = select.items[wc.index - windowOffset];
    const agg = item?.kind === "expr" ? item.expr : undefined;
    if (agg?.kind !== "call" || agg.over || agg.filter || agg.star || agg.args.length !== 1) return [];
    const kind = agg.name.toUpperCase();
    const arg = agg.args[0] as Expr;
    if ((kind !== "MAX" && kind !== "MIN") || arg.kind !== "column" || arg.name.toLowerCase() !== tc.name.toLowerCase()) return [];
    if (!VALUE_TYPES.has(tc.type.name)) return [];
    return [{ kind: kind as "MAX" | "MIN", value: tc.index - timeOffset, name: `${kind}(${tc.name})` }];
  })[0];
  if (!found) return undefined;
  if (Math.floor((upper - lower) / tvf.size) + 1 > MAX_WINDOWS_PER_ROW) return undefined;
  const stream = timeRelation.stream as DataStream<Row>;
  const windowStream = input.windowRelation.stream;
  if (!windowStream) return undefined;
  const parallelism = forwardChainSource(stream.env.graph, stream.node, upstreamOf(stream.env.graph, windowStream.node));
  // Any parallelism: each subtask prunes the rows of its own scan subtask, whose watermark is never behind
  // the aggregate's (windowTopPrune.ts). Late rows make a parallel job's rows vary from run to run (which
  // subtask's watermark holds the aggregate's back), with the prune or without it alike.
  if (parallelism === false) return undefined;

  const spec = { kind: found.kind, value: found.value, time, size: tvf.size, offset: tvf.offset ?? 0, lower, upper };
  const name = `WindowTopPrune(${found.name} per TUMBLE(size=${tvf.size} ms) on ${timeColumn.name}, ties kept, ${timeColumn.name} - window_end in [${lower}, ${upper}] ms)`;
  // The window side's MAX reads the same rows: it may read the kept ones instead (WindowExtreme), where every row's own
  // window is among those it may meet — a row dropped is then beaten in its own window by one the aggregate counts (the
  // prune's bounds come from rows it keeps, on time here, so on time there too). The aggregate then reads a few rows
  // per window instead of every one through its exchange, as the DataStream q7 does behind its BelowWindowTop.
  const extreme = input.windowRelation.extreme;
  const size = tvf.size;
  const rereads =
    extreme !== undefined &&
    extreme.output === windowStream &&
    extreme.input === stream &&
    extreme.kind === found.kind &&
    extreme.column === found.value &&
    extreme.size === size &&
    extreme.offset === spec.offset &&
    lower <= -size &&
    upper >= -1;
  // Then both readers of the rows read the prune, which goes into the Calc that makes them (a view's, even read twice):
  // a row it drops is never made.
  const rowScope = timeRelation.columns.map((c, index) => ({ name: c.name, type: c.type, index }));
  const gate = { value: spec.value, time, name, create: (ctx: OperatorContext<Row>) => new WindowTopGate(spec, ctx) };
  let pruned = rereads ? fuseIntoCalc(stream, { scope: rowScope, where: undefined, columns: undefined, gate }, true) : undefined;
  if (pruned === undefined) {
    pruned = stream.transform<Row>(name, (ctx) => new WindowTopPruneOperator(spec, ctx));
    if (parallelism !== undefined) pruned = pruned.setParallelism(parallelism);
  }
  // Its row type as the input's, so the keyed edge into the join still crosses threads as columns.
  const kept = declareRowType(pruned, { fields: timeRelation.columns });
  return { stream: kept, window: rereads ? extreme.over(kept) : undefined, name };
}

function resolve(scope: ScopeColumn[], e: Extract<Expr, { kind: "column" }>): ScopeColumn | undefined {
  const found = scope.filter((c) => c.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || c.table?.toLowerCase() === e.table.toLowerCase()));
  return found.length === 1 ? found[0] : undefined;
}

type Graph = DataStream<Row>["env"]["graph"];

/** Every node upstream of the window side's stream (the aggregate and what it reads). */
function upstreamOf(graph: Graph, start: StreamNode): Set<number> {
  const seen = new Set<number>();
  const todo: StreamNode[] = [start];
  while (todo.length > 0) {
    const node = todo.pop() as StreamNode;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    for (const e of node.inputs) todo.push(graph.get(e.from));
  }
  return seen;
}

/**
 * The parallelism of a chain of forward edges from a source the window side reads too down to `start`,
 * each node of one input at that parallelism; false when there is no such chain.
 */
function forwardChainSource(graph: Graph, start: StreamNode, windowSide: Set<number>): number | undefined | false {
  let node = start;
  for (;;) {
    if (node.parallelism !== start.parallelism) return false;
    if (node.kind === "source") return windowSide.has(node.id) ? start.parallelism : false;
    const edge = node.inputs[0];
    if (node.inputs.length !== 1 || !edge || edge.tag !== undefined || edge.partitioning.kind !== "forward") return false;
    node = graph.get(edge.from);
  }
}
