import type { JobView } from "../jobs/jobPresenter.js";
import { escapeHtml as esc } from "../display/html.js";
import { connectorsText, oneLine, restartCount } from "../jobs/statusLine.js";

/** `%jobs`: the kernel's jobs with the # that `%jobs show|cancel|stop` accept. */
export function jobsTable(views: JobView[]): Record<string, unknown> {
  const rows = views.map((v, i) => {
    const m = v.job.metrics();
    const sum = (kind: string, f: "recordsIn" | "recordsOut") => m.operators.filter((o) => o.kind === kind).reduce((a, o) => a + o[f], 0);
    const { parallelism, workers } = v.job.threads;
    return [
      String(i + 1),
      v.job.name,
      m.status,
      // Where a parallel job runs (see the status line); empty at parallelism 1.
      workers > 0 ? `p=${parallelism} on ${workers} worker thread${workers > 1 ? "s" : ""}` : parallelism > 1 ? `p=${parallelism} on one thread` : "",
      sum("source", "recordsIn").toLocaleString("en-US"),
      sum("sink", "recordsIn").toLocaleString("en-US"),
      v.views.length ? `${v.views.length} live view(s)` : "",
      // Flink's numRestarts and the last failure: a job failing in a loop shows it here, not only in its cell.
      m.restarts !== undefined && m.restarts.count > 0 ? `${restartCount(m.restarts)}${m.restarts.lastFailure ? `: ${oneLine(m.restarts.lastFailure, 120)}` : ""}` : "",
      connectorsText(m) ?? "",
    ];
  });
  const head = ["#", "job", "status", "threads", "in", "out", "views", "restarts", "connectors"];
  const plain = [head, ...rows].map((r) => r.join("\t")).join("\n");
  const html = `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
  return { "text/plain": views.length ? plain : "no jobs", "text/html": views.length ? html : "<i>no jobs</i>" };
}
