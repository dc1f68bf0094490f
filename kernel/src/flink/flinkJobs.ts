/**
 * The Flink jobs of this kernel in `%jobs`: their Flink job id, state and records in/out (from the
 * JobManager's REST API, asked when listed) and a link to Flink's dashboard. `%jobs cancel ID` and
 * `%jobs stop ID [DIR] [--drain]` go to Flink's REST API by job id (a SELECT's gateway operation
 * does not own its job); a stopped job resumes from its savepoint with
 * `SET 'execution.savepoint.path' = '…'` before the same INSERT.
 */
import { flinkGateway } from "../../../engine/src/index.js";
import type { MimeBundle } from "../display/mimeBundle.js";
import type { PolledState } from "../jobs/polledDisplay.js";
import { MagicUsageError } from "../magics/magic.js";
import { type FlinkConnection, flinkConnection } from "./flinkConnection.js";
import { flinkJobCard, flinkJobSnapshot } from "./flinkJobCard.js";
import { count as n, escapeHtml as esc } from "../display/html.js";

/** A Flink job id (32 hex digits), or a prefix of one of this kernel's (at least 6). */
export function isFlinkJobRef(ref: string): boolean {
  if (/^[0-9a-f]{32}$/.test(ref)) return true;
  return /^[0-9a-f]{6,31}$/.test(ref) && (flinkConnection()?.jobs.some((j) => j.jobId.startsWith(ref)) ?? false);
}

function resolve(ref: string): { flink: FlinkConnection; jobId: string } {
  const flink = flinkConnection();
  if (!flink) throw new MagicUsageError(`${ref} looks like a Flink job id, but no Flink cluster is connected (%flink connect URL)`);
  const matches = flink.jobs.filter((j) => j.jobId.startsWith(ref));
  if (matches.length > 1) throw new MagicUsageError(`${ref} is the start of ${matches.length} Flink jobs: ${matches.map((j) => j.jobId).join(", ")}`);
  return { flink, jobId: matches[0]?.jobId ?? ref };
}

/** The Flink jobs table below `%jobs`' own, or undefined when this kernel submitted none. */
export async function flinkJobsTable(): Promise<MimeBundle | undefined> {
  const flink = flinkConnection();
  if (!flink || flink.jobs.length === 0) return undefined;
  const { rest } = await flink.open();
  const rows = await Promise.all(
    flink.jobs.map(async (j) => {
      const details = await rest.job(j.jobId);
      const { recordsIn, recordsOut } = flinkGateway.jobRecords(details);
      return { id: j.jobId, state: details.state, recordsIn, recordsOut, statement: j.statement.replace(/\s+/g, " ").slice(0, 60), link: `${rest.url}/#/job/running/${j.jobId}/overview` };
    }),
  );
  const head = ["flink job", "state", "in", "out", "statement", "dashboard"];
  const plain = [head, ...rows.map((r) => [r.id, r.state, n(r.recordsIn), n(r.recordsOut), r.statement, r.link])].map((r) => r.join("\t")).join("\n");
  const html =
    `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr><td><code>${r.id}</code></td><td>${r.state}</td><td>${n(r.recordsIn)}</td><td>${n(r.recordsOut)}</td><td>${esc(r.statement)}</td><td><a href="${esc(r.link)}" target="_blank">Flink dashboard</a></td></tr>`,
      )
      .join("") +
    `</tbody></table>`;
  return { "text/plain": plain, "text/html": html };
}

/** `%jobs` with the Flink jobs appended (one output, so a report keeps both). */
export async function withFlinkJobs(local: Record<string, unknown>): Promise<Record<string, unknown>> {
  const flink = await flinkJobsTable();
  if (!flink) return local;
  return {
    "text/plain": `${String(local["text/plain"])}\n\nFlink jobs\n${String(flink["text/plain"])}`,
    "text/html": `${String(local["text/html"])}<p><b>Flink jobs</b></p>${String(flink["text/html"])}`,
  };
}

/** Flink's globally terminal states, and SUSPENDED (this JobManager gave the job up). */
const FINAL_STATES = new Set(["FINISHED", "FAILED", "CANCELED", "SUSPENDED"]);

/**
 * `%jobs show FLINK_JOB_ID [--graph]`: the job card from the cluster's REST API, and how to read it
 * again — the kernel refreshes it in place, as Flink's dashboard does, until the job's final state.
 */
export async function showFlinkJob(ref: string): Promise<{ first: PolledState; refresh: () => Promise<PolledState> }> {
  const { flink, jobId } = resolve(ref);
  const { rest } = await flink.open();
  const refresh = async (): Promise<PolledState> => {
    const snapshot = await flinkJobSnapshot(rest, jobId);
    return { bundle: flinkJobCard(snapshot, rest.url), final: FINAL_STATES.has(snapshot.details.state) };
  };
  return { first: await refresh(), refresh };
}

export async function cancelFlinkJob(ref: string): Promise<MimeBundle> {
  const { flink, jobId } = resolve(ref);
  const { rest } = await flink.open();
  const before = await rest.job(jobId);
  if (["FINISHED", "FAILED", "CANCELED"].includes(before.state)) return { "text/plain": `Flink job ${jobId} is already ${before.state}: nothing to cancel` };
  await rest.cancelJob(jobId);
  const after = await rest.waitForState(jobId, ["CANCELED", "FAILED", "FINISHED"], 60_000);
  await flink.jobs.find((j) => j.jobId === jobId)?.local?.cancel(); // the local job showing a SELECT's rows ends with it
  return { "text/plain": after.state === "CANCELED" ? `Flink job ${jobId} cancelled` : `Flink job ${jobId} was not cancelled: it ended ${after.state} first` };
}

export async function stopFlinkJob(ref: string, targetDirectory: string | undefined, drain: boolean): Promise<MimeBundle> {
  const { flink, jobId } = resolve(ref);
  const { rest } = await flink.open();
  const { location } = await rest.stopWithSavepoint(jobId, { drain, ...(targetDirectory === undefined ? {} : { targetDirectory }) });
  // The savepoint completes a moment before the job ends: report once it has (FINISHED, as `flink stop`).
  const { state } = await rest.waitForState(jobId, ["FINISHED", "FAILED", "CANCELED"], 60_000);
  await flink.jobs.find((j) => j.jobId === jobId)?.local?.cancel();
  if (state !== "FINISHED") throw new flinkGateway.FlinkGatewayError(`Flink job ${jobId} took a savepoint at ${location} but then ended ${state}`, { url: rest.url });
  return {
    "text/plain": `Flink job ${jobId} stopped with a savepoint at ${location}\nresume it: SET 'execution.savepoint.path' = '${location}'; then the same INSERT (and RESET 'execution.savepoint.path' after)`,
  };
}
