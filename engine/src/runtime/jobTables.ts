import { basename } from "node:path";
import type { CheckpointMetadata } from "../checkpoint/CheckpointData.js";
import type { JobMetrics } from "./JobMetrics.js";
import type { JobResult } from "./JobResult.js";
import { escapeHtml } from "../charts/tableView.js";

/**
 * The convention notebook hosts use to show an object (Deno's kernel and Sluice's): a method under
 * this symbol returning a mime bundle. The engine implements it without depending on any host.
 */
const DISPLAY = Symbol.for("Jupyter.display");

type Bundle = Record<string, string>;

/**
 * Gives a plain data value a rich rendering in a notebook while it stays the same typed, JSON-able
 * value: the method is a non-enumerable symbol property, invisible to `JSON.stringify`, spreads and
 * `Object.keys`.
 */
export function displayAs<T extends object>(value: T, bundle: (value: T) => Bundle): T {
  Object.defineProperty(value, DISPLAY, { value: () => bundle(value), enumerable: false, configurable: true, writable: true });
  return value;
}

const count = (x: number) => x.toLocaleString("en-US");

/** An event-time watermark as people read it: `none yet`, `end`, an ISO time, or a small number. */
export function watermarkText(w: number): string {
  if (!Number.isFinite(w)) return w > 0 ? "end" : "none yet";
  return w > 1e11
    ? new Date(w)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z")
    : String(w);
}

/** A table as HTML and as aligned plain text; `numeric` columns are right-aligned. */
export function tableBundle(title: string, head: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): Bundle {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const plain = [title, line(head), ...rows.map(line)].join("\n");
  const align = (i: number) => (numeric.has(i) ? ' style="text-align:right"' : ' style="text-align:left"');
  const html =
    `<div class="sluice-table"><div>${escapeHtml(title)}</div><table>` +
    `<thead><tr>${head.map((h, i) => `<th${align(i)}>${escapeHtml(h)}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
  return { "text/html": html, "text/plain": plain };
}

/** `job.metrics()` in a notebook: one row per operator (names are unique within a job). */
export function metricsBundle(m: JobMetrics): Bundle {
  const head = ["operator", "kind", "parallelism", "records in", "records out", "watermark", "backlog", "late dropped", "dead letters"];
  const rows = m.operators.map((o) => [
    o.name,
    o.kind,
    String(o.parallelism),
    count(o.recordsIn),
    count(o.recordsOut),
    watermarkText(o.watermark),
    count(o.backlog),
    count(o.lateRecordsDropped),
    count(o.deadLetters),
  ]);
  const checkpoints = m.checkpoints.completed > 0 || m.checkpoints.failed > 0 ? ` · checkpoints ${m.checkpoints.completed} (${m.checkpoints.failed} failed)` : "";
  const title = `job "${m.jobName}" · ${m.status} · watermark ${watermarkText(m.watermark)}${checkpoints}`;
  return tableBundle(title, head, rows, new Set([2, 3, 4, 6, 7, 8]));
}

/** What `job.stop()` reports, as a table: how the job ended, its savepoint and how to resume from it. */
export function stopBundle(stopped: { result: JobResult; savepoint: CheckpointMetadata | undefined }): Bundle {
  const { result, savepoint } = stopped;
  // The savepoint's name is in its file name (made up by the engine when none was given).
  const savepointName =
    savepoint === undefined
      ? undefined
      : basename(savepoint.path)
          .replace(/^savepoint-/, "")
          .replace(/\.json$/, "");
  const status = result.status === "failed" && result.error ? `failed: ${result.error.message}` : result.status;
  const resume = savepoint && savepointName !== undefined ? `env.execute(${JSON.stringify(result.jobName)}, { restoreFrom: ${JSON.stringify(savepointName)} })` : "";
  const row = [result.jobName, status, savepoint ? (savepointName ?? String(savepoint.id)) : "none", savepoint?.path ?? "", resume];
  return tableBundle(`stopped job "${result.jobName}"`, ["job", "status", "savepoint", "path", "resume with"], [row]);
}
