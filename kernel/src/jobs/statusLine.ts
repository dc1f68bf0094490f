import type { JobHandle, JobMetrics, RestartStats, WatermarkHold } from "../../../engine/src/index.js";
import { watermarkText } from "../../../engine/src/host.js";
import type { MimeBundle } from "../display/mimeBundle.js";
import { escapeHtml as esc, count as n } from "../display/html.js";

/** Why event time stands still, e.g. `held back by 'orders' (split orders[1] lagging at 499)`. */
export function watermarkHoldText(hold: WatermarkHold): string {
  const who = `'${hold.source}'${hold.parallelism > 1 ? ` subtask ${hold.subtask}` : ""}`;
  const split = hold.split !== undefined ? `split ${hold.split} ` : "";
  switch (hold.reason) {
    case "no-strategy":
      return `held back by ${who} (no watermark strategy)`;
    case "quiet":
      return `held back by ${who} (${split}${hold.quietFor === undefined ? "no records yet" : `idle for ${Math.round(hold.quietFor / 1000)} s, no withIdleness`})`;
    case "lagging":
      return `held back by ${who} (${split}lagging at ${watermarkText(hold.watermark)})`;
  }
}

/** Tracks a job's throughput between polls, for the rate shown in its status line. */
export class RateMeter {
  private prev: { at: number; count: number } | undefined;
  rate = 0;

  sample(count: number, at = Date.now()): void {
    // Counters start over when a job restarts: that sample is a new baseline, not a negative rate.
    if (this.prev && count < this.prev.count) this.rate = 0;
    else if (this.prev && at > this.prev.at) this.rate = ((count - this.prev.count) * 1000) / (at - this.prev.at);
    this.prev = { at, count };
  }
}

const ICON: Record<string, string> = { created: "○", running: "●", restarting: "↻", finished: "✔", failed: "✖", cancelled: "■" };
const COLOR: Record<string, string> = { running: "#1a7f37", restarting: "#9a6700", finished: "#555", failed: "#cf222e", cancelled: "#9a6700", created: "#555" };

/** "3/10" (restarts so far / the strategy's limit), or "3" for a strategy with no fixed limit. */
export function restartCount(r: RestartStats): string {
  return r.maxAttempts === undefined ? String(r.count) : `${r.count}/${r.maxAttempts}`;
}

/** A failure's message on one line and at most `max` characters: it shares a line with the job's figures. */
export function oneLine(message: string, max = 200): string {
  const line = message.replace(/\s*\n\s*/g, "; ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "restarting (3/10) from checkpoint 41: <cause>" while the restart strategy waits; the state alone otherwise. */
function stateText(job: JobHandle, m: JobMetrics): string {
  const r = m.restarts;
  if (m.status === "restarting" && r !== undefined) {
    const from = r.restoringFrom === undefined ? "from the start" : `from checkpoint ${r.restoringFrom}`;
    return `restarting (${restartCount(r)}) ${from}${r.lastFailure ? `: ${oneLine(r.lastFailure)}` : ""}`;
  }
  return `${m.status}${job.result?.error ? `: ${job.result.error.message}` : ""}`;
}

/** A job that restarted and runs again still says so, and why it last failed: a loop of failures must not look like a quiet job. */
function restartsText(m: JobMetrics): string[] {
  const r = m.restarts;
  if (r === undefined || r.count === 0 || m.status === "restarting") return [];
  return [`restarts ${restartCount(r)}${r.lastFailure ? ` (last: ${oneLine(r.lastFailure, 120)})` : ""}`];
}

/**
 * A connector's trouble or notice (Kafka: retrying, skipped offsets): "'orders' retrying: connect
 * ECONNREFUSED", the first of them and how many more. The engine reports states, not events, so
 * this shows once however many records pass.
 */
export function connectorsText(m: JobMetrics): string | undefined {
  const [first, ...more] = m.connectors ?? [];
  if (first === undefined) return undefined;
  const who = `'${first.operator}'${more.length > 0 || first.subtask > 0 ? ` subtask ${first.subtask}` : ""}`;
  const what = first.message === undefined ? first.state : `${first.state === "running" ? "" : `${first.state}: `}${oneLine(first.message, 120)}`;
  return `${who} ${what}${more.length > 0 ? ` (+${more.length} more)` : ""}`;
}

/** Where a parallel job runs: "p=2 on 2 worker threads", or on one thread and why; nothing for parallelism 1. */
function threadsText(job: JobHandle): string[] {
  const { parallelism, workers, oneThreadReason } = job.threads;
  if (workers > 0) return [`p=${parallelism} on ${workers} worker thread${workers > 1 ? "s" : ""}`];
  return parallelism > 1 ? [`p=${parallelism} on one thread (${oneThreadReason ?? "defined in a cell"})`] : [];
}

/**
 * One line about a job: state, records in/out, rate, watermark, backlog, checkpoint, dead letters.
 * `stoppedBy` names who cancelled the job (e.g. "kernel restarted"), shown instead of "cancelled".
 */
export function statusBundle(job: JobHandle, m: JobMetrics, rate: number, stoppedBy?: string): MimeBundle {
  const sources = m.operators.filter((o) => o.kind === "source");
  const sinks = m.operators.filter((o) => o.kind === "sink");
  const recordsIn = sources.reduce((a, o) => a + o.recordsIn, 0);
  const recordsOut = sinks.reduce((a, o) => a + o.recordsIn, 0);
  const backlog = m.operators.reduce((a, o) => a + o.backlog, 0);
  const parts = [
    ...threadsText(job),
    `${n(recordsIn)} in`,
    `${n(recordsOut)} out`,
    ...(m.status === "running" ? [`${n(Math.round(rate))}/s`] : []),
    `watermark ${watermarkText(m.watermark)}${m.watermarkHold !== undefined ? `, ${watermarkHoldText(m.watermarkHold)}` : ""}`,
    `backlog ${n(backlog)}`,
    ...(m.checkpoints.completed > 0 ? [`checkpoints ${m.checkpoints.completed}`] : []),
    ...restartsText(m),
    ...(connectorsText(m) !== undefined ? [`connector ${connectorsText(m)}`] : []),
    ...(m.deadLetters > 0 ? [`dead letters ${n(m.deadLetters)}`] : []),
    ...(m.endedAt !== undefined ? [`took ${((m.endedAt - m.startedAt) / 1000).toFixed(1)} s`] : []),
  ];
  const state = stoppedBy !== undefined && m.status === "cancelled" ? `stopped: ${stoppedBy}` : stateText(job, m);
  const text = `${ICON[m.status] ?? "?"} ${state} · job "${job.name}" · ${parts.join(" · ")}`;
  const html =
    `<div class="sluice-job-status" style="font-family:var(--jp-code-font-family,monospace);font-size:12px">` +
    `<span style="color:${COLOR[m.status] ?? "#555"}">${ICON[m.status] ?? "?"} ${esc(state)}</span>` +
    ` · job <b>${esc(job.name)}</b> · ${parts.map(esc).join(" · ")}</div>`;
  return { "text/html": html, "text/plain": text };
}
