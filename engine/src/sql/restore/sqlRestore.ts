import { FileCheckpointStorage } from "../../checkpoint/CheckpointStorage.js";
import type { CheckpointData } from "../../checkpoint/CheckpointData.js";
import type { StreamGraph, StreamNode } from "../../graph/StreamGraph.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";

/**
 * A savepoint that does not fit the query it is restored into: it holds state of an operator the
 * query's plan has no more (Flink: "Cannot map checkpoint/savepoint state for operator … to the new
 * program"), or the plan has a stateful operator the savepoint knows nothing of (it would silently
 * start empty). Names the operator and its plan-derived uid.
 */
export class SqlRestoreError extends StreamSqlError {
  constructor(
    detail: string,
    at: SqlPosition | undefined,
    readonly savepoint: string,
    readonly operator: string | undefined,
    readonly uid: string | undefined,
  ) {
    super("validation", detail, at, operator);
  }
}

/** Where a SQL job's savepoint is read from: a name in the session's directory, or a `.json` path. */
export async function loadSavepoint(directory: string, savepoint: string, at: SqlPosition | undefined): Promise<CheckpointData> {
  try {
    return await new FileCheckpointStorage(directory).load(savepoint);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new SqlRestoreError(`Cannot restore from savepoint '${savepoint}': ${why}`, at, savepoint, undefined, undefined);
  }
}

/**
 * Checks, before the job starts, that `data` restores into the plan declared on `graph` (uids from
 * `assignPlanUids`): every operator with state in the savepoint is in the plan, and every source and
 * keyed operator of the plan is in the savepoint (`ignoreUnclaimed`: Flink's
 * `execution.savepoint.ignore-unclaimed-state`, state the plan has no operator for is dropped).
 */
export function checkRestore(data: CheckpointData, savepoint: string, graph: StreamGraph, at: SqlPosition | undefined, ignoreUnclaimed = false): void {
  const nodes = jobNodes(graph);
  const uids = new Set(nodes.map((n) => n.uid));
  const saved = new Set(data.operators.map((o) => o.uid));
  const fresh = nodes.filter((n) => (n.keyed || n.kind === "source") && !saved.has(n.uid as string));
  const orphans = ignoreUnclaimed ? [] : data.operators.filter((o) => !uids.has(o.uid) && o.subtasks.some((s) => s.state !== undefined || s.position !== undefined || s.committable !== undefined));
  const first = fresh[0] ?? orphans[0];
  if (first === undefined) return;
  const problems = [
    ...(fresh.length > 0 ? [`${describe(fresh)} ${fresh.length === 1 ? "has" : "have"} no state in it, so ${fresh.length === 1 ? "it" : "they"} would start empty`] : []),
    ...(orphans.length > 0 ? [`it holds state of ${describe(orphans)}, which this query's plan does not have`] : []),
  ];
  throw new SqlRestoreError(
    `Savepoint '${savepoint}' does not fit this query: the plan changed since the savepoint was taken: ${problems.join("; ")}. ` +
      "An operator keeps its uid while its name, aggregates, window and keys and those of the operators before it stay the same; " +
      "another query, or the same query as another version of Sluice plans it, has other uids, and a savepoint restores only into the plan it was taken from",
    at,
    savepoint,
    first.name,
    first.uid,
  );
}

/** The nodes the job will run: its sinks and what feeds them (a stream declared and left unused is not part of it). */
function jobNodes(graph: StreamGraph): StreamNode[] {
  const seen = new Map<number, StreamNode>();
  const visit = (n: StreamNode): void => {
    if (seen.has(n.id)) return;
    seen.set(n.id, n);
    for (const e of n.inputs) visit(graph.get(e.from));
  };
  for (const n of graph.all()) if (n.kind === "sink") visit(n);
  return [...seen.values()];
}

function describe(ops: { name: string; uid?: string | undefined }[]): string {
  return ops.map((o) => `operator '${o.name}' (uid ${o.uid})`).join(", ");
}
