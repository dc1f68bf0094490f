import type { CellOutcome } from "../execute/cellRunner.js";
import type { MagicEnv, MagicHandler } from "./magic.js";
import type { MagicCall } from "./magicParser.js";
import { sqlMagic } from "./sql/sqlMagic.js";
import { configMagic } from "./configMagic.js";
import { ssqlMagic } from "./ssqlMagic.js";
import { flinkMagic } from "../flink/flinkMagic.js";

import { jobsMagic, type KernelJobs } from "./jobsMagic.js";

const magics: Record<string, MagicHandler> = { sql: sqlMagic, ssql: ssqlMagic, config: configMagic, flink: flinkMagic };

/** Magics that need kernel services are registered when the kernel starts. */
export function registerJobsMagic(jobs: KernelJobs): void {
  magics.jobs = jobsMagic(jobs);
}

/** The forms each magic is called in, for completion: `%name` (line) and/or `%%name` (cell). */
const forms: Record<string, ("line" | "cell")[]> = { sql: ["line", "cell"], ssql: ["cell"], jobs: ["line"], config: ["line"], flink: ["line"] };

/** Every magic as typed: `%sql`, `%%sql`, `%jobs`, … */
export function magicSpellings(): string[] {
  return Object.keys(magics).flatMap((name) => (forms[name] ?? ["line"]).map((f) => (f === "cell" ? "%%" : "%") + name));
}

/** Runs a magic; any error it raises (bad options, unknown names) becomes the cell's error. */
export async function runMagic(call: MagicCall, env: MagicEnv): Promise<CellOutcome> {
  const handler = magics[call.name];
  try {
    if (!handler)
      throw Object.assign(
        new Error(
          `unknown magic ${call.kind === "cell" ? "%%" : "%"}${call.name} (known: ${Object.keys(magics)
            .map((m) => "%" + m)
            .join(", ")})`,
        ),
        { name: "UsageError" },
      );
    return await handler(call, env);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { status: "error", error: { ename: err.name, evalue: err.message, traceback: [`\u001b[1;31m${err.name}\u001b[0m: ${err.message}`] } };
  }
}
