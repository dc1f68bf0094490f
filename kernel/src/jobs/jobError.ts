import type { CellError } from "../execute/traceback.js";

interface ContextualError extends Error {
  context?: Record<string, unknown>;
}

/** A stack's frames as a user reads them (see `userFrames`): cell lines, no engine frames. */
export type FrameMapper = (stack: string) => { frames: string[]; context: string[] | undefined };

function short(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? v : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  return s.length > 300 ? s.slice(0, 299) + "…" : s;
}

/**
 * A failed job as an error output: the engine's message plus the operator, key and record at fault,
 * then where in the cell the user's function threw (`Cell In[n], line L` and the source lines), as
 * for an error of the cell itself. The engine's own frames show only under `SLUICE_DEBUG`.
 */
export function jobError(jobName: string, error: Error, mapFrames: FrameMapper = rawFrames): CellError {
  const ctx = (error as ContextualError).context ?? {};
  const lines = [`\u001b[1;31m${error.name}\u001b[0m: ${error.message}`, `  job: ${jobName}`];
  for (const k of ["operator", "subtask", "key", "record", "source", "line", "offset"]) {
    if (ctx[k] === undefined) continue;
    const line = `  ${k}: ${short(ctx[k])}`;
    // The engine's message may already end with it (UserFunctionError names the record).
    if (!error.message.includes(line.trim())) lines.push(line);
  }
  const cause = error.cause instanceof Error ? error.cause : undefined;
  // The user's function is in the cause's stack (a UserFunctionError wraps what it threw); an
  // engine error without a cause may still have come through a cell's function.
  const mapped = mapFrames((cause ?? error).stack ?? "");
  if (cause) lines.push(`  cause: ${cause.name}: ${cause.message}`);
  lines.push(...mapped.frames);
  if (mapped.context) lines.push("", ...mapped.context);
  return { ename: error.name, evalue: `job "${jobName}" failed: ${error.message}`, traceback: lines };
}

/** Without source maps (a unit test, no kernel): the first frames as V8 wrote them. */
function rawFrames(stack: string): { frames: string[]; context: undefined } {
  return {
    frames: stack
      .split("\n")
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 5),
    context: undefined,
  };
}
