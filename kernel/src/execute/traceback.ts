import type { Diagnostic } from "tslab/dist/converter.js";
import type { SourceMapRegistry } from "./sourceMaps.js";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sourceContext } from "./sourceContext.js";
import { CELL_FUNCTION } from "./interruptibleAsync.js";

/** What Jupyter's `error` message and error reply carry. */
export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

const BOLD_RED = "\u001b[1;31m";
const RESET = "\u001b[0m";

function cellLabel(count: number): string {
  return count > 0 ? `Cell In[${count}]` : "Cell";
}

/**
 * Type and syntax errors, each pointing at the cell's own line and column. tslab flattens a
 * diagnostic's message chain into one diagnostic per link, all at the same span (TS2345 → TS2201 →
 * TS2740); tsc prints such a chain as one error, and so do we: its innermost, most specific
 * message first, the outer ones after it as context, the excerpt once.
 */
export function diagnosticsError(diagnostics: readonly Diagnostic[], source: string, count: number): CellError {
  const traceback: string[] = [];
  const problems = diagnosticProblems(diagnostics);
  for (const { main, context } of problems) {
    const line = main.start.line + 1;
    const column = main.start.character + 1;
    const where = main.fileName ? `${main.fileName}, line ${line}, column ${column}` : `${cellLabel(count)}, line ${line}, column ${column}`;
    traceback.push(`${BOLD_RED}TS${main.code}${RESET}: ${main.messageText}`);
    for (const c of context) traceback.push(`  in: TS${c.code}: ${c.messageText}`);
    traceback.push(`  ${where}`);
    if (!main.fileName) traceback.push(...sourceContext(source, line, column));
  }
  const first = problems[0]?.main;
  const evalue = first ? `${first.messageText} (line ${first.start.line + 1}, column ${first.start.character + 1})` : "compilation failed";
  return { ename: "TSError", evalue, traceback };
}

/**
 * Diagnostics grouped by problem: the links of one chain are adjacent and share file and span.
 * `main` is the chain's last (deepest) link; `context` the others, innermost first.
 */
export function diagnosticProblems(diagnostics: readonly Diagnostic[]): { main: Diagnostic; context: Diagnostic[] }[] {
  const groups: Diagnostic[][] = [];
  for (const d of diagnostics) {
    const last = groups.at(-1)?.[0];
    if (last && last.fileName === d.fileName && last.start.offset === d.start.offset && last.end.offset === d.end.offset) groups.at(-1)?.push(d);
    else groups.push([d]);
  }
  return groups.map((g) => {
    const inner = [...g].reverse();
    return { main: inner[0] as Diagnostic, context: inner.slice(1) };
  });
}

const FRAME = /^(\s+at (?:(.*?) \()?)(cell-\d+-\d+\.ts):(\d+):(\d+)(\)?)$/;
const RUNTIME_BOUNDARY = /node:vm|tslab[/\\]dist[/\\]executor\.js|node:internal\/process\/task_queues/;
/** Where Sluice's own modules are (`dist/` when built): frames there are the engine's or the kernel's. */
const SLUICE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SLUICE_DIRS = ["engine", "kernel"].flatMap((d) => [join(SLUICE_ROOT, d) + sep, pathToFileURL(join(SLUICE_ROOT, d)).href + "/"]);
/**
 * Node's internals, the `Promise.all` an async stack trace passes through, and the generator
 * steps a cell's async function runs as (interruptibleAsync.ts).
 */
const NODE_FRAME = /\(node:internal[/\\]|^\s+at (?:async )?node:internal[/\\]|^\s+at async Promise\.(?:all|allSettled|race|any) \(index \d+\)$|^\s+at [\w$.]+\.(?:next|throw|return) \(<anonymous>\)$/;

/** How a job called the user's function, or which kernel request awaited it (V8's async stack traces). */
function isSluiceFrame(frame: string): boolean {
  return NODE_FRAME.test(frame) || SLUICE_DIRS.some((d) => frame.includes(d));
}

/** `SLUICE_DEBUG=1` keeps the engine's own frames in tracebacks; they are noise to a user otherwise. */
export function debugTracebacks(): boolean {
  const v = process.env.SLUICE_DEBUG;
  return v !== undefined && v !== "" && v !== "0" && v !== "false";
}

/**
 * A stack's frames as a user reads them: frames in cells rewritten to `Cell In[n], line L`, the
 * engine's frames (and tslab's wrapper) left out unless `debug`, and the source lines around the
 * first cell frame.
 */
export function userFrames(stack: string, maps: SourceMapRegistry, debug = debugTracebacks()): { frames: string[]; context: string[] | undefined } {
  const frames: string[] = [];
  let context: string[] | undefined;
  for (const frame of stack.split("\n").filter((l) => /^\s+at /.test(l))) {
    if (RUNTIME_BOUNDARY.test(frame)) break;
    const m = FRAME.exec(frame);
    if (m && maps.isWrapperCall(m[3] ?? "", Number(m[4]))) continue;
    const pos = m ? maps.resolve(m[3] ?? "", Number(m[4]), Number(m[5])) : undefined;
    if (!m || !pos) {
      if (debug || !isSluiceFrame(frame)) frames.push(frame);
      continue;
    }
    frames.push(`    at ${functionName(m[2])}(${cellLabel(pos.executionCount)}, line ${pos.line}, column ${pos.column})`);
    context ??= [`${cellLabel(pos.executionCount)}, line ${pos.line}:`, ...maps.context(m[3] ?? "", pos.line, pos.column)];
  }
  return { frames, context };
}

/**
 * The function name V8 gives a frame, without what only the engine's or tslab's internals explain:
 * tslab keeps cell declarations on a Proxy, which V8 names as the receiver, and a function the
 * engine calls as its operator's `fn` shows as `MapOperator.fn` or `MapOperator.parse [as fn]`.
 */
function functionName(v8Name: string | undefined): string {
  if (!v8Name) return "";
  const name = v8Name
    .replace(/^Proxy\./, "")
    .replace(/ \[as \w+\]$/, "")
    .replace(/^\w+Operator\./, "");
  // The cell's top level runs as a function of ours (interruptibleAsync.ts): unnamed, as before.
  return name === "fn" || name === "" || name === CELL_FUNCTION ? "" : `${name} `;
}

/** A thrown value from user code, with stack frames rewritten to cells' own lines. */
export function runtimeError(thrown: unknown, maps: SourceMapRegistry): CellError {
  if (!(thrown instanceof Error)) {
    return { ename: "Uncaught", evalue: String(thrown), traceback: [`${BOLD_RED}Uncaught${RESET} ${String(thrown)}`] };
  }
  const ename = thrown.name || thrown.constructor?.name || "Error";
  const evalue = thrown.message;
  const { frames, context } = userFrames(thrown.stack ?? "", maps);
  const traceback = [`${BOLD_RED}${ename}${RESET}: ${evalue}`, ...frames];
  if (thrown.cause !== undefined) traceback.push(`[cause]: ${String(thrown.cause)}`);
  return { ename, evalue, traceback: context ? [...traceback, "", ...context] : traceback };
}
