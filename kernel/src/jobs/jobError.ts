import type { CellError } from "../execute/traceback.js";

interface ContextualError extends Error {
  context?: Record<string, unknown>;
}

function short(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? v : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  return s.length > 300 ? s.slice(0, 299) + "…" : s;
}

/** A failed job as an error output: the engine's message plus the operator, key and record at fault. */
export function jobError(jobName: string, error: Error): CellError {
  const ctx = (error as ContextualError).context ?? {};
  const lines = [`\u001b[1;31m${error.name}\u001b[0m: ${error.message}`, `  job: ${jobName}`];
  for (const k of ["operator", "subtask", "key", "record", "source", "line", "offset"]) {
    if (ctx[k] !== undefined) lines.push(`  ${k}: ${short(ctx[k])}`);
  }
  const cause = error.cause instanceof Error ? error.cause : undefined;
  if (cause) lines.push(`  cause: ${cause.name}: ${cause.message}`, ...(cause.stack ?? "").split("\n").slice(1, 6));
  return { ename: error.name, evalue: `job "${jobName}" failed: ${error.message}`, traceback: lines };
}
