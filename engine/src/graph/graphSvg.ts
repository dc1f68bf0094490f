/**
 * A job graph as a picture, for `EXPLAIN`, `env.explain()` and a host's job card: a box per
 * operator in layers by its longest path from a source (sources on top), an arrow per edge, and a
 * dashed outline around each chain — the operators Flink would fuse into one task (forward edges
 * between equal parallelism), so the picture reads like Flink's dashboard. Hand-drawn rather than
 * through Graphviz: the graphs are small chains and joins of a few operators, and this keeps a
 * native/wasm dependency out of the engine.
 */
import { planInputs, type PlanNode } from "./JobPlan.js";

export interface GraphNode {
  id: number;
  name: string;
  kind: "source" | "operator" | "sink" | "dead-letters";
  parallelism: number;
  /** In topological order of the graph: every `from` is listed before this node. */
  inputs: readonly { from: number; partitioning: string; sideOutput?: string }[];
  /** Lines under the name (figures of a running job). */
  details?: readonly string[];
  /** Fill colour; by default one per kind. */
  fill?: string;
  /** Tooltip text (SVG `<title>`), e.g. the full figures. */
  title?: string;
}

const KIND_FILL: Record<GraphNode["kind"], string> = { source: "#e3f2fd", operator: "#fff8e1", sink: "#e8f5e9", "dead-letters": "#fce4ec" };

/** The nodes of a plan (before it runs: `EXPLAIN`, `env.explain()`). */
export function planGraph(nodes: readonly PlanNode[]): GraphNode[] {
  return nodes.map((n) => ({
    id: n.id,
    name: n.name,
    kind: n.node.kind,
    parallelism: n.parallelism,
    inputs: planInputs(n),
  }));
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Groups of node ids that Flink would chain: connected by forward edges of equal parallelism, one input each. */
export function chains(nodes: readonly GraphNode[]): number[][] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outputs = new Map<number, number>();
  for (const n of nodes) for (const e of n.inputs) outputs.set(e.from, (outputs.get(e.from) ?? 0) + 1);
  const head = new Map<number, number>();
  for (const n of nodes) {
    const only = n.inputs.length === 1 ? n.inputs[0] : undefined;
    const up = only ? byId.get(only.from) : undefined;
    const chained = only !== undefined && up !== undefined && only.partitioning === "forward" && only.sideOutput === undefined && up.parallelism === n.parallelism && outputs.get(up.id) === 1;
    head.set(n.id, chained && up ? (head.get(up.id) ?? up.id) : n.id);
  }
  const groups = new Map<number, number[]>();
  for (const n of nodes) {
    const h = head.get(n.id) ?? n.id;
    groups.set(h, [...(groups.get(h) ?? []), n.id]);
  }
  return [...groups.values()];
}

export function graphSvg(nodes: readonly GraphNode[]): string {
  const depth = new Map<number, number>();
  for (const n of nodes) depth.set(n.id, Math.max(-1, ...n.inputs.map((e) => depth.get(e.from) ?? 0)) + 1);
  const layers: GraphNode[][] = [];
  for (const n of nodes) (layers[depth.get(n.id) ?? 0] ??= []).push(n);
  const lines = Math.max(0, ...nodes.map((n) => n.details?.length ?? 0));
  const [w, h, gapX, gapY] = [240, 40 + 13 * lines, 30, 36];
  const width = Math.max(1, ...layers.map((l) => l.length)) * (w + gapX) + gapX;
  const pos = new Map<number, { x: number; y: number }>();
  layers.forEach((layer, d) => {
    const left = (width - layer.length * (w + gapX) + gapX) / 2;
    layer.forEach((n, i) => pos.set(n.id, { x: left + i * (w + gapX), y: gapY / 2 + d * (h + gapY) }));
  });
  const at = (id: number) => pos.get(id) ?? { x: 0, y: 0 };
  const outlines = chains(nodes)
    .filter((g) => g.length > 1)
    .map((g) => {
      const xs = g.map((id) => at(id).x);
      const ys = g.map((id) => at(id).y);
      const [x0, y0, x1, y1] = [Math.min(...xs) - 8, Math.min(...ys) - 8, Math.max(...xs) + w + 8, Math.max(...ys) + h + 8];
      return `<rect class="chain" x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" rx="10" fill="none" stroke="#9e9e9e" stroke-dasharray="4 3"/>`;
    });
  const edges = nodes.flatMap((n) =>
    n.inputs.map((e) => {
      const a = at(e.from);
      const b = at(n.id);
      const text = [e.partitioning === "forward" ? "" : e.partitioning.toUpperCase(), e.sideOutput ? `side: ${e.sideOutput}` : ""].filter(Boolean).join(" ");
      const label = text ? `<text x="${(a.x + b.x) / 2 + w / 2 + 6}" y="${(a.y + h + b.y) / 2 + 4}" font-size="10" fill="#555">${xmlEscape(text)}</text>` : "";
      return `<line x1="${a.x + w / 2}" y1="${a.y + h}" x2="${b.x + w / 2}" y2="${b.y}" stroke="#555" marker-end="url(#arrow)"/>${label}`;
    }),
  );
  const boxes = nodes.map((n) => {
    const { x, y } = at(n.id);
    const name = n.name.length > 32 ? `${n.name.slice(0, 31)}…` : n.name;
    const detail = (n.details ?? []).map((d, i) => `<text x="${x + w / 2}" y="${y + 45 + 13 * i}" text-anchor="middle" font-size="10" fill="#333">${xmlEscape(d)}</text>`).join("");
    return `<g class="operator" data-operator="${n.id}"><title>${xmlEscape(n.title ?? n.name)}</title><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="${n.fill ?? KIND_FILL[n.kind]}" stroke="#888"/><text x="${x + w / 2}" y="${y + 17}" text-anchor="middle" font-size="12">${xmlEscape(name)}</text><text x="${x + w / 2}" y="${y + 31}" text-anchor="middle" font-size="10" fill="#555">[${n.id}] parallelism ${n.parallelism}</text>${detail}</g>`;
  });
  const height = layers.length * (h + gapY);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>${outlines.join("")}${edges.join("")}${boxes.join("")}</svg>`;
}
