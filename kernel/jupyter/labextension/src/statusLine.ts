/**
 * Sluice's job status line (kernel/src/jobs/statusLine.ts) as it sits in a notebook's output:
 * text/plain `● running · job "pv" · 1,200 in · 0 out · 300/s · …` and the same as a
 * `<div class="sluice-job-status">` in text/html. These functions turn a live one (created,
 * running, restarting) into the final line the kernel would have sent, had the browser kept it:
 * `■ stopped: <reason>`, no rate, and a restarting job's count and cause as `restarts N/MAX (last: …)`.
 */
import type { IMimeBundle } from "@jupyterlab/nbformat";

/** The job card's live data (jobCardRenderer.ts); spelled out, not imported, so this module stays free of Lumino. */
const JOB_CARD_MIME = "application/vnd.sluice.jobcard+json";

const LIVE_ICONS = new Set(["○", "●", "↻"]);
/** The cancelled icon and colour of the kernel's status line. */
const STOPPED_ICON = "■";
const STOPPED_COLOR = "#9a6700";
/** The rate (`300/s`) is only shown while a job runs. */
const RATE_TEXT = / · [\d,]+\/s(?= · |$)/;
const RATE_HTML = / · [\d,]+\/s(?= · |<\/div>)/;
const HTML_STATE = /^(<div class="sluice-job-status"[^>]*>)<span style="color:[^"]*">(\S+) ([^<]*)<\/span>/;
/** A restarting line names its restart count ("3" or "3/10") and cause in its state; a final one lists them after these. */
const RESTARTING = /^restarting \((\d+(?:\/\d+)?)\) from (?:the start|checkpoint \d+)(?:: (.*))?$/s;
const BEFORE_RESTARTS = / · backlog [\d,]+( · checkpoints \d+)?/;
/** The kernel cuts the last failure of a final line to this many characters (restartsText in kernel/src/jobs/statusLine.ts). */
const LAST_FAILURE_MAX = 120;

/** `state` as text (unescaped for HTML); the result escaped again when `html`. */
function withRestarts(rest: string, state: string, html: boolean): string {
  const m = RESTARTING.exec(html ? unesc(state) : state);
  if (m === null) return rest;
  const cause = m[2] === undefined ? "" : m[2].length > LAST_FAILURE_MAX ? `${m[2].slice(0, LAST_FAILURE_MAX - 1)}…` : m[2];
  const restarts = `restarts ${m[1]}${cause ? ` (last: ${cause})` : ""}`;
  return rest.replace(BEFORE_RESTARTS, (before) => `${before} · ${html ? esc(restarts) : restarts}`);
}

/** As the kernel's escapeHtml (kernel/src/display/html.ts). */
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const unesc = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/&amp;/g, "&");
const joined = (v: IMimeBundle[string] | undefined): string | undefined => (typeof v === "string" ? v : Array.isArray(v) && v.every((s) => typeof s === "string") ? v.join("") : undefined);

function finalText(text: string, reason: string): string | undefined {
  const jobAt = text.indexOf(' · job "');
  if (!LIVE_ICONS.has(text.charAt(0)) || jobAt < 0) return undefined;
  return `${STOPPED_ICON} stopped: ${reason}${withRestarts(text.slice(jobAt).replace(RATE_TEXT, ""), text.slice(2, jobAt), false)}`;
}

/** A job card (kernel/src/jobs/jobCard.ts) starts with its own div, then the status line; its buttons need a live kernel. */
const CARD = /^<div class="sluice-job-card"[^>]*>/;
const CARD_ACTIONS = /<div class="sluice-job-actions"[^>]*>.*?<\/div>/;

function finalHtml(html: string, reason: string): string | undefined {
  const card = CARD.exec(html);
  if (card !== null) {
    const rest = finalHtml(html.slice(card[0].length), reason);
    return rest === undefined ? undefined : `${card[0]}${rest.replace(CARD_ACTIONS, "")}`;
  }
  const m = HTML_STATE.exec(html);
  if (m === null || !LIVE_ICONS.has(m[2] ?? "")) return undefined;
  const state = `<span style="color:${STOPPED_COLOR}">${STOPPED_ICON} stopped: ${esc(reason)}</span>`;
  return `${m[1]}${state}${withRestarts(html.slice(m[0].length).replace(RATE_HTML, ""), m[3] ?? "", true)}`;
}

/**
 * The output's data with its status line stopped (`■ stopped: <reason>`, no rate), or undefined
 * when the output is no Sluice status line or already shows a final state.
 */
export function stoppedStatusData(data: IMimeBundle, reason: string): IMimeBundle | undefined {
  const text = joined(data["text/plain"]);
  const html = joined(data["text/html"]);
  const newText = text === undefined ? undefined : finalText(text, reason);
  const newHtml = html === undefined ? undefined : finalHtml(html, reason);
  if (newText === undefined && newHtml === undefined) return undefined;
  // A live job card's data would have its renderer show it running still: the stopped HTML stands alone.
  const { [JOB_CARD_MIME]: _live, ...rest } = data;
  return { ...rest, ...(newText !== undefined ? { "text/plain": newText } : {}), ...(newHtml !== undefined ? { "text/html": newHtml } : {}) };
}
