import { createHash } from "node:crypto";
import type { StreamGraph, StreamNode } from "../../graph/StreamGraph.js";

/** What shapes an operator's state beyond its name (aggregates, window, keys, a table's schema). */
const digests = new WeakMap<StreamNode, string>();

/**
 * Records what an operator's state depends on, so its uid changes when that does: the same query
 * text (or one that differs only where state does not care, such as a WHERE predicate) keeps its
 * uids; other aggregates, another window or other keys give another uid, and a savepoint of the old
 * query then fails to restore instead of filling the new operator with state of another shape.
 */
export function stateDigest<S extends { readonly node: StreamNode }>(stream: S, digest: string): S {
  digests.set(stream.node, digest);
  return stream;
}

/** How a node of a plan that depends on the parallelism takes the uid of the node it stands for at parallelism 1. */
const standsFor = new WeakMap<StreamNode, { name: string } | "transparent">();

/**
 * Gives `stream`'s node the uid it would have at parallelism 1 where a parallel plan differs only by nodes
 * without state: a window aggregate's global phase (`name`: the one phase's) over its local phase
 * (`"transparent"`: nodes after it hash its input in its place). The state they hold is the same, so a
 * savepoint restores between p=1 and p>1 (the keyed state is redistributed as for any rescaling).
 */
export function uidAsAtParallelismOne<S extends { readonly node: StreamNode }>(stream: S, as: { name: string } | "transparent"): S {
  standsFor.set(stream.node, as);
  return stream;
}

/**
 * Gives every node of a SQL job a uid derived from the plan, as Flink derives an operator's hash from
 * the job's topology: its name, kind, state digest and its inputs' uids. Nodes are visited in
 * declaration order, so inputs have their uids first. A uid set explicitly is kept.
 */
export function assignPlanUids(graph: StreamGraph): void {
  const seen = new Map<string, number>();
  for (const node of graph.all().sort((a, b) => a.id - b.id)) {
    if (node.uid !== undefined) continue;
    // A transparent node's input in its place (the edge's own partitioning and input index).
    const from = (id: number): string => {
      const input = graph.get(id);
      const through = standsFor.get(input) === "transparent" && input.inputs.length === 1 ? input.inputs[0] : undefined;
      return through ? from(through.from) : (input.uid ?? String(id));
    };
    const inputs = node.inputs.map((e) => `${from(e.from)}/${e.partitioning.kind}/${e.inputIndex}`);
    const as = standsFor.get(node);
    const name = typeof as === "object" ? as.name : node.name;
    const hash = createHash("sha256")
      .update(JSON.stringify([node.kind, name, digests.get(node) ?? "", inputs]))
      .digest("hex")
      .slice(0, 12);
    // Two identical branches (a self-UNION) hash alike: number the repeats, in declaration order.
    const repeat = seen.get(hash) ?? 0;
    seen.set(hash, repeat + 1);
    node.uid = `sql-${slug(name)}-${hash}${repeat > 0 ? `-${repeat}` : ""}`;
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 32) || "op"
  );
}
