/**
 * The job card of a job running on a Flink cluster (`%jobs show FLINK_JOB_ID [--graph]`), drawn like
 * the card of an embedded job (kernel/src/jobs/jobCard.ts) from Flink's REST API: the job graph's
 * vertices (Flink's chains) with parallelism, records received/sent, back-pressure as Flink samples it,
 * the lowest input watermark, and the checkpoint history. One snapshot per call; `%jobs show` asks
 * again every few seconds (kernel/src/jobs/polledDisplay.ts) and updates the card in place.
 */
import { flinkGateway } from "../../../engine/src/index.js";
import { type GraphNode, graphSvg, watermarkText } from "../../../engine/src/host.js";
import type { MimeBundle } from "../display/mimeBundle.js";
import { bytes, LEVEL_FILL, legend, type OperatorRow, operatorSection, table } from "../jobs/jobCard.js";
import { escapeHtml as esc, count as n } from "../display/html.js";

type Details = flinkGateway.JobDetails;
type BackPressure = flinkGateway.VertexBackPressure;
type Checkpoints = flinkGateway.JobCheckpoints;

/** Flink's "no watermark yet" is Long.MIN_VALUE, which JSON brings as a string or a rounded number. */
const watermarkOf = (values: { value: string }[]): number => {
  const ms = values.map((w) => Number(w.value)).filter((v) => Number.isFinite(v) && v > -9.2e18);
  return values.length === 0 || ms.length < values.length ? Number.NEGATIVE_INFINITY : Math.min(...ms);
};

export interface FlinkJobSnapshot {
  details: Details;
  backPressure: Map<string, BackPressure>;
  watermarks: Map<string, { id: string; value: string }[]>;
  checkpoints: Checkpoints | undefined;
}

/** Everything the card shows, in one round of REST calls (per vertex in parallel). */
export async function flinkJobSnapshot(rest: flinkGateway.FlinkRestClient, jobId: string): Promise<FlinkJobSnapshot> {
  const details = await rest.job(jobId);
  const vertices = details.vertices ?? [];
  const running = details.state === "RUNNING";
  const [pressures, marks, checkpoints] = await Promise.all([
    Promise.all(vertices.map((v) => (running ? rest.backPressure(jobId, v.id) : Promise.resolve({ status: "ok" } as BackPressure)))),
    Promise.all(vertices.map((v) => rest.watermarks(jobId, v.id))),
    // A job without checkpointing answers with empty counts; one that ended may no longer be asked.
    rest.checkpoints(jobId).catch((error: unknown) => (error instanceof flinkGateway.FlinkGatewayError ? undefined : Promise.reject(error))),
  ]);
  return {
    details,
    backPressure: new Map(vertices.map((v, i) => [v.id, pressures[i] as BackPressure])),
    watermarks: new Map(vertices.map((v, i) => [v.id, marks[i] ?? []])),
    checkpoints,
  };
}

/** Vertices in an order where every input comes first (graphSvg lays layers out that way). */
function topological(details: Details): { id: string; inputs: { id: string; ship_strategy: string }[] }[] {
  const nodes = details.plan?.nodes ?? (details.vertices ?? []).map((v) => ({ id: v.id, parallelism: v.parallelism, inputs: [] }));
  const done = new Set<string>();
  const out: { id: string; inputs: { id: string; ship_strategy: string }[] }[] = [];
  while (out.length < nodes.length) {
    const next = nodes.find((v) => !done.has(v.id) && (v.inputs ?? []).every((i) => done.has(i.id)));
    if (!next) break; // a cycle (iterations): draw the rest as they come
    done.add(next.id);
    out.push({ id: next.id, inputs: next.inputs ?? [] });
  }
  for (const v of nodes) if (!done.has(v.id)) out.push({ id: v.id, inputs: v.inputs ?? [] });
  return out;
}

export function flinkJobCard(snapshot: FlinkJobSnapshot, dashboardUrl: string): MimeBundle {
  const { details } = snapshot;
  const vertices = new Map((details.vertices ?? []).map((v) => [v.id, v]));
  const order = topological(details);
  const index = new Map(order.map((v, i) => [v.id, i + 1]));
  const rows: OperatorRow[] = [];
  const nodes: GraphNode[] = order.map((o) => {
    const v = vertices.get(o.id);
    const name = v?.name ?? o.id;
    const metric = (key: string) => Number(v?.metrics?.[key] ?? 0);
    const pressure = snapshot.backPressure.get(o.id);
    const level = (pressure?.backpressureLevel ?? "ok").toUpperCase() as keyof typeof LEVEL_FILL;
    const ratio = Math.max(0, ...(pressure?.subtasks ?? []).map((s) => s.ratio));
    const watermark = watermarkText(watermarkOf(snapshot.watermarks.get(o.id) ?? []));
    const details = [
      `received ${n(metric("read-records"))} · sent ${n(metric("write-records"))}`,
      `watermark ${watermark} · ${v?.status ?? "?"}`,
      `back-pressure ${level} (${Math.round(ratio * 100)}%)`,
    ];
    const fill = LEVEL_FILL[level];
    rows.push({
      operator: name,
      parallelism: v?.parallelism ?? 1,
      recordsIn: metric("read-records"),
      recordsOut: metric("write-records"),
      rates: "",
      watermark,
      backPressure: `${level} (${Math.round(ratio * 100)}%)`,
    });
    return {
      id: index.get(o.id) ?? 0,
      name,
      kind: /^Source:/.test(name) ? "source" : /Sink:/.test(name) ? "sink" : "operator",
      parallelism: v?.parallelism ?? 1,
      inputs: o.inputs.map((i) => ({ from: index.get(i.id) ?? 0, partitioning: i.ship_strategy.toLowerCase() })),
      details,
      ...(fill ? { fill } : {}),
      title: `${name} (vertex ${o.id}): ${details.join("; ")}`,
    };
  });
  const cp = snapshot.checkpoints;
  const checkpoints = cp
    ? table(
        `Checkpoints: ${cp.counts.completed} completed, ${cp.counts.failed} failed${cp.counts.restored > 0 ? `, restored ${cp.counts.restored}` : ""}`,
        ["id", "kind", "status", "triggered (UTC)", "duration", "size", "path / failure"],
        cp.history.map((h) => [
          String(h.id),
          h.is_savepoint ? "savepoint" : "checkpoint",
          h.status.toLowerCase(),
          new Date(h.trigger_timestamp).toISOString().slice(11, 23),
          `${n(h.end_to_end_duration)} ms`,
          h.checkpointed_size === undefined ? "–" : bytes(h.checkpointed_size),
          h.failure_message ?? h.external_path ?? "",
        ]),
      )
    : "";
  const link = `${dashboardUrl.replace(/\/+$/, "")}/#/job/running/${details.jid}/overview`;
  const head = `${details.state.toLowerCase()} · Flink job <b>${esc(details.name)}</b> <code>${esc(details.jid)}</code> · <a href="${esc(link)}" target="_blank">Flink dashboard</a>`;
  const html = `<div class="sluice-job-card sluice-flink-job" data-job="${esc(details.jid)}" style="font-family:var(--jp-ui-font-family,sans-serif);font-size:12px"><div>${head}</div><div class="sluice-job-graph" style="overflow-x:auto">${graphSvg(nodes)}</div>${legend()}${operatorSection(rows, "Vertices")}${checkpoints}</div>`;
  const text = [`${details.state} · Flink job "${details.name}" ${details.jid} · ${link}`, ...nodes.map((g) => `  ${g.title}`)].join("\n");
  return { "text/html": html, "text/plain": text };
}
