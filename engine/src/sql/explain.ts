import type { StreamEnvironment } from "../api/StreamEnvironment.js";
import { buildPlan, type PlanNode } from "../graph/JobPlan.js";
import type { Column } from "./catalog.js";
import { formatType } from "./types.js";

/**
 * The operator graph a planned statement would run, as text (Flink's `EXPLAIN` prints its plans the
 * same way: one operator per line, inputs first). Takes the sinks declared on `env` without starting
 * them, so nothing runs and no job is registered. `columns`: the schema of what the sinks receive.
 */
export function explainPlan(env: StreamEnvironment, statement: string, columns: Column[]): { text: string; svg: string } {
  const plan = buildPlan("explain", env.graph, env.graph.takePendingSinks(), { parallelism: env.parallelism, errorPolicy: "fail" });
  return { text: planText(plan.nodes, statement, columns), svg: planSvg(plan.nodes) };
}

function planText(nodes: readonly PlanNode[], statement: string, columns: Column[]): string {
  const schema = `(${columns.map((c) => `${c.name} ${formatType(c.type)}`).join(", ")})`;
  const line = (n: PlanNode): string => {
    const inputs = n.inputs.map((e) => `[${e.from.id}]${e.partitioning.kind === "forward" ? "" : ` ${e.partitioning.kind.toUpperCase()}`}`);
    const from = inputs.length > 0 ? ` <- ${inputs.join(", ")}` : "";
    const out = n.node.kind === "sink" ? ` ${schema}` : "";
    return `[${n.id}] ${n.name}, parallelism=${n.parallelism}${from}${out}`;
  };
  return ["== Statement ==", statement, "", "== Operator Graph ==", ...nodes.map(line)].join("\n");
}

const xmlEscape = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The graph as a picture: a node per operator in layers by its longest path from a source (sources
 * on top), an arrow per edge. Hand-drawn rather than through Graphviz: the graphs are small chains
 * and joins of a few operators, and this keeps a native/wasm dependency out of the engine.
 */
function planSvg(nodes: readonly PlanNode[]): string {
  const depth = new Map<number, number>();
  for (const n of nodes) depth.set(n.id, Math.max(-1, ...n.inputs.map((e) => depth.get(e.from.id) ?? 0)) + 1); // nodes are topologically ordered
  const layers: PlanNode[][] = [];
  for (const n of nodes) (layers[depth.get(n.id) ?? 0] ??= []).push(n);
  const [w, h, gapX, gapY] = [220, 40, 30, 36];
  const width = Math.max(...layers.map((l) => l.length)) * (w + gapX) + gapX;
  const pos = new Map<number, { x: number; y: number }>();
  layers.forEach((layer, d) => {
    const left = (width - layer.length * (w + gapX) + gapX) / 2;
    layer.forEach((n, i) => pos.set(n.id, { x: left + i * (w + gapX), y: gapY / 2 + d * (h + gapY) }));
  });
  const edges = nodes.flatMap((n) =>
    n.inputs.map((e) => {
      const a = pos.get(e.from.id) ?? { x: 0, y: 0 };
      const b = pos.get(n.id) ?? { x: 0, y: 0 };
      const label =
        e.partitioning.kind === "forward" ? "" : `<text x="${(a.x + b.x) / 2 + w / 2 + 6}" y="${(a.y + h + b.y) / 2 + 4}" font-size="10" fill="#555">${e.partitioning.kind.toUpperCase()}</text>`;
      return `<line x1="${a.x + w / 2}" y1="${a.y + h}" x2="${b.x + w / 2}" y2="${b.y}" stroke="#555" marker-end="url(#arrow)"/>${label}`;
    }),
  );
  const boxes = nodes.map((n) => {
    const { x, y } = pos.get(n.id) ?? { x: 0, y: 0 };
    const fill = n.node.kind === "source" ? "#e3f2fd" : n.node.kind === "sink" ? "#e8f5e9" : "#fff8e1";
    const name = n.name.length > 30 ? `${n.name.slice(0, 29)}…` : n.name;
    return `<g class="operator"><title>${xmlEscape(n.name)}</title><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="${fill}" stroke="#888"/><text x="${x + w / 2}" y="${y + 17}" text-anchor="middle" font-size="12">${xmlEscape(name)}</text><text x="${x + w / 2}" y="${y + 32}" text-anchor="middle" font-size="10" fill="#555">[${n.id}] parallelism ${n.parallelism}</text></g>`;
  });
  const height = layers.length * (h + gapY);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>${edges.join("")}${boxes.join("")}</svg>`;
}
