import type { JobView } from "../jobs/jobPresenter.js";
import type { MagicHandler } from "./magic.js";
import { MagicUsageError } from "./magic.js";
import { DISPLAY } from "../display/mimeBundle.js";
import type { JobPresenter } from "../jobs/jobPresenter.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function table(views: JobView[]): Record<string, unknown> {
  const rows = views.map((v, i) => {
    const m = v.job.metrics();
    const sum = (kind: string, f: "recordsIn" | "recordsOut") => m.operators.filter((o) => o.kind === kind).reduce((a, o) => a + o[f], 0);
    return [String(i + 1), v.job.name, m.status, sum("source", "recordsIn").toLocaleString("en-US"), sum("sink", "recordsIn").toLocaleString("en-US"), v.views.length ? `${v.views.length} live view(s)` : ""];
  });
  const head = ["#", "job", "status", "in", "out", "views"];
  const plain = [head, ...rows].map((r) => r.join("\t")).join("\n");
  const html = `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
  return { "text/plain": views.length ? plain : "no jobs", "text/html": views.length ? html : "<i>no jobs</i>" };
}

/** Splits on spaces, keeping "quoted names" whole: job names often have spaces. */
export function words(args: string): string[] {
  return [...args.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

function find(jobs: JobPresenter, ref: string | undefined): JobView {
  const views = jobs.list();
  if (!ref) throw new MagicUsageError("name a job: by its name or its # in %jobs");
  const byIndex = /^\d+$/.test(ref) ? views[Number(ref) - 1] : undefined;
  const matches = byIndex ? [byIndex] : views.filter((v) => v.job.name === ref);
  const running = matches.filter((v) => v.job.result === undefined);
  const found = running.at(-1) ?? matches.at(-1);
  if (!found) throw new MagicUsageError(`no job "${ref}" (see %jobs)`);
  return found;
}

/**
 * `%jobs` lists the kernel's jobs; `%jobs show JOB` shows a job's live status and charts again in
 * this cell; `%jobs cancel JOB`; `%jobs stop JOB [SAVEPOINT]` takes a savepoint, then cancels.
 */
export function jobsMagic(jobs: () => JobPresenter): MagicHandler {
  return async (call) => {
    const [verb = "list", ref, extra] = words(call.args);
    const bundle = (b: Record<string, unknown>) => ({ status: "ok" as const, result: { value: { [DISPLAY]: () => b } } });
    switch (verb) {
      case "list":
        return bundle(table(jobs().list()));
      case "show": {
        const v = find(jobs(), ref);
        v.job.show();
        return { status: "ok" };
      }
      case "cancel": {
        const v = find(jobs(), ref);
        const r = await v.job.cancel();
        return bundle({ "text/plain": `job "${v.job.name}" ${r.status}` });
      }
      case "stop": {
        const v = find(jobs(), ref);
        const name = extra ?? `${v.job.name.replace(/[^\w-]+/g, "-")}-${Date.now()}`;
        const meta = await v.job.savepoint(name);
        await v.job.cancel();
        return bundle({ "text/plain": `job "${v.job.name}" stopped with savepoint "${name}" (${JSON.stringify(meta).slice(0, 200)}); resume with env.execute(name, { restoreFrom: "${name}" })` });
      }
      default:
        throw new MagicUsageError(`%jobs ${verb}? use %jobs, %jobs show JOB, %jobs cancel JOB, %jobs stop JOB [SAVEPOINT] (JOB: its name, "quoted" if it has spaces, or its # in %jobs)`);
    }
  };
}
