import type { JobHandle } from "../../../engine/src/index.js";
import type { JobView } from "../jobs/jobPresenter.js";
import type { PolledState } from "../jobs/polledDisplay.js";
import type { MagicHandler } from "./magic.js";
import { MagicUsageError } from "./magic.js";
import { DISPLAY } from "../display/mimeBundle.js";
import { jobsTable } from "./jobsTable.js";
import { cancelFlinkJob, isFlinkJobRef, showFlinkJob, stopFlinkJob, withFlinkJobs } from "../flink/flinkJobs.js";

const USAGE = `%jobs, %jobs wait, %jobs show JOB [--graph], %jobs cancel JOB, %jobs stop JOB [SAVEPOINT] [--drain] (JOB: its exact name, "quoted" if it has spaces, its # in %jobs, or a Flink job id)`;

export type JobsCommand =
  | { verb: "list" }
  | { verb: "wait" }
  | { verb: "show"; ref: string; quoted?: true; graph: boolean }
  | { verb: "cancel"; ref: string; quoted?: true }
  | { verb: "stop"; ref: string; quoted?: true; savepoint: string | undefined; drain: boolean };

export interface Word {
  text: string;
  /** Written in quotes: a job's name, never its # (a job may be named "1"). */
  quoted: boolean;
}

/** Splits on spaces, keeping "quoted names" whole: job names often have spaces. */
export function splitWords(args: string): Word[] {
  return [...args.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => ({ text: m[1] ?? m[2] ?? m[3] ?? "", quoted: m[3] === undefined }));
}

/**
 * Parses `%jobs` arguments strictly: a word too many is an error, never dropped, because
 * `%jobs cancel pv counts` most likely means the job "pv counts", not the job "pv".
 */
export function parseJobsArgs(args: string): JobsCommand {
  const all = splitWords(args);
  const [verb = "list", ...rest] = all.map((w) => w.text);
  if (verb !== "list" && verb !== "wait" && verb !== "show" && verb !== "cancel" && verb !== "stop") throw new MagicUsageError(`%jobs ${verb}? use ${USAGE}`);
  const flags = rest.filter((w) => w.startsWith("--"));
  const positional = rest.filter((w) => !w.startsWith("--"));
  const allowedFlags = verb === "stop" ? ["--drain"] : verb === "show" ? ["--graph"] : [];
  const badFlag = flags.find((f) => !allowedFlags.includes(f));
  if (badFlag !== undefined) throw new MagicUsageError(`%jobs ${verb}: unknown option ${badFlag}; use ${USAGE}`);
  const max = verb === "list" || verb === "wait" ? 0 : verb === "stop" ? 2 : 1;
  if (positional.length > max) {
    const extra = positional
      .slice(max)
      .map((w) => JSON.stringify(w))
      .join(" ");
    const hint = max === 1 ? `; a name with spaces needs quotes: %jobs ${verb} "${positional.join(" ")}"` : "";
    throw new MagicUsageError(`%jobs ${verb} takes ${max === 0 ? "no job" : max === 1 ? "one job" : "a job and a savepoint name"}; unexpected ${extra}${hint}`);
  }
  if (verb === "list" || verb === "wait") return { verb };
  const ref = positional[0];
  if (ref === undefined || ref === "") throw new MagicUsageError(`%jobs ${verb}: name a job: ${USAGE}`);
  const quoted = all.slice(1).find((w) => !w.text.startsWith("--"))!.quoted ? { quoted: true as const } : {};
  if (verb === "stop") return { verb, ref, ...quoted, savepoint: positional[1], drain: flags.includes("--drain") };
  if (verb === "show") return { verb, ref, ...quoted, graph: flags.includes("--graph") };
  return { verb, ref, ...quoted };
}

interface Named {
  job: { readonly name: string; readonly status: string };
}

const OVER = new Set(["finished", "failed", "cancelled"]);

/**
 * The job `ref` names: its # in `%jobs`, or its exact name. To cancel or stop a job it must be
 * unambiguous and still live: several live jobs of that name, or only finished ones, is an error
 * that says so. To show one, the newest of that name will do (the live one if there is one).
 */
export function findJob<V extends Named>(views: readonly V[], ref: string, verb: "show" | "cancel" | "stop", quoted = false): V {
  const label = (v: V) => `"${v.job.name}" (#${views.indexOf(v) + 1})`;
  const byIndex = !quoted && /^#?\d+$/.test(ref) ? views[Number(ref.replace("#", "")) - 1] : undefined;
  const byName = ref.startsWith("#") && !quoted ? [] : views.filter((v) => v.job.name === ref);
  // A bare number that is both a # and a job's name: say so rather than guess (the issue's wrong-job class).
  if (byIndex !== undefined && byName.length > 0 && !byName.includes(byIndex)) {
    throw new MagicUsageError(`"${ref}" is both job #${ref} (${label(byIndex)}) and the name of ${byName.map(label).join(", ")}: write #${ref} or "${ref}"`);
  }
  const matches = byIndex ? [byIndex] : byName;
  if (matches.length === 0 && !quoted && /^#?\d+$/.test(ref)) throw new MagicUsageError(`no job #${ref.replace("#", "")}: %jobs lists ${views.length}`);
  if (matches.length === 0) {
    const names = [...new Set(views.map((v) => JSON.stringify(v.job.name)))].join(", ");
    throw new MagicUsageError(`no job named "${ref}" (names match exactly; jobs: ${names || "none"})`);
  }
  const live = matches.filter((v) => !OVER.has(v.job.status));
  if (verb === "show") return live.at(-1) ?? matches.at(-1)!;
  if (live.length > 1) throw new MagicUsageError(`${live.length} running jobs are named "${ref}": ${live.map(label).join(", ")}; name one by its #`);
  const found = live[0];
  if (found === undefined) {
    const last = matches.at(-1)!;
    throw new MagicUsageError(`job ${label(last)} is already ${last.job.status}: nothing to ${verb}`);
  }
  return found;
}

/** The kernel's jobs as `%jobs` sees them: the ones its cells started, and showing one in this cell. */
export interface KernelJobs {
  list(): JobView[];
  /** Shows the job's status line and live views in the executing cell (its same display ids). */
  showHere(job: JobHandle, options?: { details?: boolean }): void;
  /** Shows `first` in the executing cell and refreshes it in place from `refresh` until final (a Flink job's card). */
  showPolled(first: PolledState, refresh: () => Promise<PolledState>, what: string): void;
  /**
   * Settles once every bounded job is over and its final state published; rejects with the first
   * failed job's error (how `sluice report` waits before it writes the report).
   */
  waitBounded(): Promise<void>;
}

/**
 * `%jobs` lists the kernel's jobs; `%jobs show JOB` shows a job's live status and charts again in
 * this cell; `%jobs cancel JOB`; `%jobs stop JOB [SAVEPOINT] [--drain]` is `job.stop()`: the sources
 * stop, a savepoint is the job's last act, and `--drain` first fires every window.
 */
export function jobsMagic(jobs: KernelJobs): MagicHandler {
  return async (call) => {
    const cmd = parseJobsArgs(call.args);
    const bundle = (b: Record<string, unknown>) => ({ status: "ok" as const, result: { value: { [DISPLAY]: () => b } } });
    if (cmd.verb === "list") return bundle(await withFlinkJobs(jobsTable(jobs.list())));
    if (cmd.verb === "wait") {
      await jobs.waitBounded();
      return { status: "ok" };
    }
    // A Flink job id: its cluster's REST API cancels or stops it (kernel/src/flink/flinkJobs.ts).
    if (!cmd.quoted && isFlinkJobRef(cmd.ref)) {
      if (cmd.verb !== "show") return bundle(cmd.verb === "stop" ? await stopFlinkJob(cmd.ref, cmd.savepoint, cmd.drain) : await cancelFlinkJob(cmd.ref));
      const { first, refresh } = await showFlinkJob(cmd.ref);
      jobs.showPolled(first, refresh, `Flink job ${cmd.ref}`);
      return { status: "ok" };
    }
    const views: JobView[] = jobs.list();
    const v = findJob(views, cmd.ref, cmd.verb, cmd.quoted === true);
    const job = v.job;
    switch (cmd.verb) {
      case "show":
        jobs.showHere(job, { details: cmd.graph });
        return { status: "ok" };
      case "cancel": {
        const r = await job.cancel();
        // Reported as it ended: a job that finished or failed before the cancel took effect was not cancelled.
        const text =
          r.status === "cancelled"
            ? `job "${job.name}" cancelled`
            : `job "${job.name}" was not cancelled: it ${r.status === "failed" ? `failed first: ${r.error?.message ?? "unknown error"}` : "finished first"}`;
        return bundle({ "text/plain": text });
      }
      case "stop": {
        // The engine names the savepoint when none is given (and refuses one without checkpointing unless draining).
        // A table in the notebook (see JobHandle.stop), and the typed StopResult as the cell's value.
        return { status: "ok", result: { value: await job.stop({ ...(cmd.savepoint !== undefined ? { savepoint: cmd.savepoint } : {}), drain: cmd.drain }) } };
      }
    }
  };
}
