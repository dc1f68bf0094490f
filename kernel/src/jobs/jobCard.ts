import type { JobHandle, JobMetrics, OperatorMetrics } from "../../../engine/src/index.js";
import { type GraphNode, graphSvg, watermarkText } from "../../../engine/src/host.js";
import type { MimeBundle } from "../display/mimeBundle.js";
import { RateMeter, statusBundle, watermarkHoldText } from "./statusLine.js";
import { escapeHtml as esc, count as n } from "../display/html.js";

/** The job card as data, for Sluice's JupyterLab renderer (the static text/html goes along). */
export const JOB_CARD_MIME = "application/vnd.sluice.jobcard+json";

export interface JobCardData {
  statusHtml: string;
  actionsHtml: string;
  sectionsHtml: string;
  /** Processing time of these figures (ms). */
  at: number;
  operators: { id: number; name: string; details: string[]; fill: string | null; title: string; rateIn: number; rateOut: number; subtasks: OperatorMetrics["subtasks"] }[];
}

/** Samples of back-pressure kept per operator: about 2.5 s at the card's update rate, as Flink's dashboard averages over its samples. */
const SAMPLES = 10;

/** Flink's web UI levels: OK up to 10% of the time back-pressured, LOW up to 50%, HIGH above. */
export function backPressureLevel(ratio: number): "OK" | "LOW" | "HIGH" {
  return ratio <= 0.1 ? "OK" : ratio <= 0.5 ? "LOW" : "HIGH";
}

export const LEVEL_FILL = { OK: undefined, LOW: "#ffe0b2", HIGH: "#ef9a9a" } as const;

/**
 * A job drawn as Flink's dashboard shows it: the operator graph (chains outlined, parallelism,
 * records in/out and rates, back-pressure as colour, watermarks and what holds them back), the
 * checkpoint history, dead letters and failures. Plain HTML with inline SVG, so saved notebooks,
 * reports and GitHub show it without any extension. One card per shown job; `sample` is called
 * at each update so rates and back-pressure are measured between updates.
 */
export class JobCard {
  private readonly rates = new Map<number, { in: RateMeter; out: RateMeter }>();
  private readonly pressure = new Map<number, number[]>();
  /** Each operator's row of the Operators table, as computed for its graph box at the last update. */
  private readonly rows = new Map<number, OperatorRow>();
  private readonly jobRate = new RateMeter();

  /** `id`: the job's id in this kernel (its status display id), which the card's buttons name. */
  constructor(
    private readonly job: JobHandle,
    private readonly id = "",
  ) {}

  bundle(m: JobMetrics, stoppedBy?: string, at = Date.now()): MimeBundle {
    this.jobRate.sample(
      m.operators.filter((o) => o.kind === "source").reduce((a, o) => a + o.recordsIn, 0),
      at,
    );
    const nodes = m.operators.map((o) => this.node(o, m, at));
    const status = statusBundle(this.job, m, this.jobRate.rate, stoppedBy);
    const svg = graphSvg(nodes);
    const actionsHtml = m.status === "running" && this.id ? actions(this.id) : "";
    const sectionsHtml = [
      operatorSection(m.operators.map((o) => this.rows.get(o.id) as OperatorRow)),
      watermarkSection(m),
      subtaskSection(m),
      checkpointSection(m),
      deadLetterSection(this.job, m),
      failureSection(this.job, m),
    ].join("");
    const html = [
      `<div class="sluice-job-card" data-job="${esc(this.job.name)}" style="font-family:var(--jp-ui-font-family,sans-serif);font-size:12px">`,
      status["text/html"] as string,
      actionsHtml,
      `<div class="sluice-job-graph" style="overflow-x:auto">${svg}</div>`,
      legend(),
      `<div class="sluice-job-sections">${sectionsHtml}</div>`,
      "</div>",
    ].join("");
    const text = [status["text/plain"] as string, ...m.operators.map((o) => `  ${nodes.find((g) => g.id === o.id)?.title ?? o.name}`)].join("\n");
    // For Sluice's JupyterLab renderer (labextension/src/jobCardRenderer.ts): the card's parts (the whole
    // card is the text/html beside it, drawn on first render), plus the figures it patches into the drawn graph on each update instead of redrawing it, and keeps for its
    // per-operator rate chart. Other front ends show text/html.
    const running = m.status === "running";
    const live: JobCardData = {
      statusHtml: status["text/html"] as string,
      actionsHtml,
      sectionsHtml,
      at,
      operators: m.operators.map((o, i) => {
        const g = nodes[i] as GraphNode;
        const r = this.rates.get(o.id);
        return {
          id: o.id,
          name: o.name,
          details: [...(g.details ?? [])],
          fill: g.fill ?? null,
          title: g.title ?? o.name,
          rateIn: running ? (r?.in.rate ?? 0) : 0,
          rateOut: running ? (r?.out.rate ?? 0) : 0,
          subtasks: o.subtasks,
        };
      }),
    };
    return { [JOB_CARD_MIME]: live, "text/html": html, "text/plain": text };
  }

  private node(o: OperatorMetrics, m: JobMetrics, at: number): GraphNode {
    const meters = this.rates.get(o.id) ?? { in: new RateMeter(), out: new RateMeter() };
    this.rates.set(o.id, meters);
    meters.in.sample(o.recordsIn, at);
    meters.out.sample(o.recordsOut, at);
    const samples = this.pressure.get(o.id) ?? [];
    if (m.status === "running") samples.push(o.parallelism > 0 ? o.backPressuredSubtasks / o.parallelism : 0);
    if (samples.length > SAMPLES) samples.shift();
    this.pressure.set(o.id, samples);
    const ratio = samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : 0;
    const level = backPressureLevel(ratio);
    const running = m.status === "running";
    const rates = running ? ` (${n(Math.round(meters.in.rate))}/s → ${n(Math.round(meters.out.rate))}/s)` : "";
    const details = [
      `in ${n(o.recordsIn)} · out ${n(o.recordsOut)}${rates}`,
      `watermark ${watermarkText(o.watermark)}${o.backlog > 0 ? ` · backlog ${n(o.backlog)}` : ""}`,
      `back-pressure ${level} (${Math.round(ratio * 100)}%)${o.lateRecordsDropped > 0 ? ` · late ${n(o.lateRecordsDropped)}` : ""}${o.deadLetters > 0 ? ` · dead ${n(o.deadLetters)}` : ""}`,
    ];
    const fill = LEVEL_FILL[level];
    this.rows.set(o.id, {
      operator: `${o.name} [${o.id}]`,
      parallelism: o.parallelism,
      recordsIn: o.recordsIn,
      recordsOut: o.recordsOut,
      rates: running ? `${n(Math.round(meters.in.rate))}/s → ${n(Math.round(meters.out.rate))}/s` : "",
      watermark: watermarkText(o.watermark),
      backPressure: `${level} (${Math.round(ratio * 100)}%)`,
    });
    return {
      id: o.id,
      name: o.name,
      kind: o.kind,
      parallelism: o.parallelism,
      inputs: o.inputs,
      details,
      ...(fill ? { fill } : {}),
      title: `${o.name} [${o.id}] p=${o.parallelism}: ${details.join("; ")}`,
    };
  }
}

/** One operator (a Flink vertex, for a cluster's job) in the card's Operators table. */
export interface OperatorRow {
  operator: string;
  parallelism: number;
  recordsIn: number;
  recordsOut: number;
  rates: string;
  watermark: string;
  backPressure: string;
}

/**
 * The graph's figures as a table, as Flink's dashboard lists the vertices under its graph. Viewers
 * that sanitize HTML drop or escape inline SVG (GitHub, `jupyter nbconvert --sanitize-html`,
 * JupyterLab for untrusted notebooks), and a table is what survives them.
 */
export function operatorSection(rows: OperatorRow[], title = "Operators"): string {
  const body = rows.map((r) => [r.operator, String(r.parallelism), n(r.recordsIn), n(r.recordsOut), r.rates, r.watermark, r.backPressure]);
  return table(title, ["operator", "parallelism", "records in", "records out", "rate in → out", "watermark", "back-pressure"], body).replace("<details open>", "<details>");
}

/**
 * Cancel / savepoint / stop-with-savepoint buttons. Hidden in the HTML itself: only Sluice's
 * JupyterLab extension, which can reach the kernel over a comm, shows them and handles their clicks
 * (a saved notebook or a report shows no dead buttons).
 */
function actions(id: string): string {
  const button = (action: string, label: string) => `<button type="button" data-sluice-action="${action}" data-sluice-job="${esc(id)}">${label}</button>`;
  return `<div class="sluice-job-actions" style="display:none;margin:4px 0">${button("cancel", "Cancel")} ${button("savepoint", "Savepoint")} ${button("stop", "Stop with savepoint")}</div>`;
}

export function legend(): string {
  const swatch = (fill: string, label: string) => `<span style="display:inline-block;width:10px;height:10px;background:${fill};border:1px solid #888;margin:0 3px 0 10px"></span>${label}`;
  return `<div style="color:#555">back-pressure:${swatch("#fff8e1", "OK ≤ 10%")}${swatch(LEVEL_FILL.LOW, "LOW ≤ 50%")}${swatch(LEVEL_FILL.HIGH, "HIGH")}<span style="margin-left:10px">dashed: operators Flink would chain into one task</span></div>`;
}

export function table(title: string, head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th style="text-align:left;padding:1px 8px">${esc(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td style="padding:1px 8px">${esc(c)}</td>`).join("")}</tr>`).join("");
  return `<details open><summary><b>${esc(title)}</b></summary><table style="border-collapse:collapse">${`<tr>${th}</tr>`}${tr}</table></details>`;
}

function watermarkSection(m: JobMetrics): string {
  const rows = m.operators.flatMap((o) =>
    (o.sourceWatermarks ?? []).flatMap((s) => {
      const state = !s.hasStrategy ? "no watermark strategy" : s.finished ? "finished" : s.idle ? "idle" : "active";
      const own = [[`${o.name}${o.parallelism > 1 ? ` #${s.subtask}` : ""}`, "", watermarkText(s.watermark), state]];
      const splits = (s.splits ?? []).map((sp) => ["", sp.split, watermarkText(sp.watermark), sp.idle ? "idle" : "active"]);
      return [...own, ...splits];
    }),
  );
  const hold = m.watermarkHold ? `<div style="color:#9a6700">watermark ${esc(watermarkHoldText(m.watermarkHold))}</div>` : "";
  return rows.length > 0 ? `${hold}${table("Source watermarks", ["source", "split", "watermark", "state"], rows)}` : hold;
}

/** Per-subtask figures of every parallel operator (Flink's per-subtask tab), folded: a drill-down, not the headline. */
function subtaskSection(m: JobMetrics): string {
  const parallel = m.operators.filter((o) => o.parallelism > 1);
  if (parallel.length === 0) return "";
  const rows = parallel.flatMap((o) =>
    o.subtasks.map((s) => [
      `${o.name} #${s.subtask}`,
      n(s.recordsIn),
      n(s.recordsOut),
      watermarkText(s.watermark),
      n(s.backlog),
      s.finished ? "finished" : s.backPressured ? "back-pressured" : s.busy ? "busy" : "running",
    ]),
  );
  return table("Subtasks", ["subtask", "in", "out", "watermark", "backlog", "state"], rows).replace("<details open>", "<details>");
}

function checkpointSection(m: JobMetrics): string {
  const history = m.checkpoints.history ?? [];
  if (history.length === 0) return "";
  const rows = [...history]
    .reverse()
    .map((h) => [
      h.id === undefined ? "–" : String(h.id),
      h.kind,
      h.status,
      new Date(h.triggeredAt).toISOString().slice(11, 23),
      h.durationMs === undefined ? "–" : `${n(h.durationMs)} ms`,
      h.sizeBytes === undefined ? "–" : bytes(h.sizeBytes),
      h.failure ?? h.path ?? "",
    ]);
  const title = `Checkpoints: ${m.checkpoints.completed} completed, ${m.checkpoints.failed} failed${m.checkpoints.restoredFrom !== undefined ? `, restored from ${m.checkpoints.restoredFrom}` : ""}`;
  return table(title, ["id", "kind", "status", "triggered (UTC)", "duration", "size", "path / failure"], rows);
}

/** A size as Flink's dashboard writes it: 812 B, 4.2 KB, 1.3 MB. */
export function bytes(b: number): string {
  if (b < 1024) return `${b} B`;
  const [v, unit] = b < 1024 * 1024 ? [b / 1024, "KB"] : b < 1024 ** 3 ? [b / 1024 ** 2, "MB"] : [b / 1024 ** 3, "GB"];
  return `${v.toFixed(1)} ${unit}`;
}

function deadLetterSection(job: JobHandle, m: JobMetrics): string {
  if (m.deadLetters === 0) return "";
  const rows = job
    .deadLetters()
    .slice(-5)
    .map((d) => [`${d.operator}${d.offset !== undefined ? ` @${d.offset}` : ""}`, d.reason, JSON.stringify(d.record)?.slice(0, 80) ?? String(d.record)]);
  return table(`Dead letters: ${n(m.deadLetters)} (latest ${rows.length})`, ["operator", "reason", "record"], rows);
}

function failureSection(job: JobHandle, m: JobMetrics): string {
  const rows: string[][] = [];
  if (m.restarts?.lastFailure) rows.push([`restart ${m.restarts.count}`, m.restarts.lastFailure]);
  if (job.result?.error) rows.push([job.result.status, job.result.error.message]);
  return rows.length > 0 ? table("Exceptions", ["when", "message"], rows) : "";
}
