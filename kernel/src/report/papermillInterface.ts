import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ParameterError } from "./errors.js";
import { runHelper } from "./jupyterPython.js";
import { PARAMETERS_TAG, type Notebook } from "./notebook.js";
import { namedParameter, type Parameter, type ParameterValue } from "./parameters.js";

/**
 * The parts of papermill's interface that `sluice report` offers, since papermill has no
 * extension point for a new language's parameters (its entry points cover reading, executing and
 * writing notebooks; translators are a fixed table in papermill/translators.py).
 */

/** Undoes nbrun.py's tagging of YAML's .inf / .nan, which JSON cannot carry. */
function revive(value: unknown): ParameterValue {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    const tag = (value as { $nonFinite?: unknown }).$nonFinite;
    if (typeof tag === "string" && Object.keys(value).length === 1) return Number(tag);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value as ParameterValue;
}

/**
 * `-f FILE` and `-y YAML` read as papermill reads them (PyYAML's safe loader without dates, files
 * before YAML strings, later keys winning), through the report's Python.
 */
export async function yamlParameters(python: string, files: readonly string[], yamls: readonly string[]): Promise<Parameter[]> {
  if (files.length === 0 && yamls.length === 0) return [];
  const work = mkdtempSync(join(tmpdir(), "sluice-params-"));
  try {
    const out = join(work, "params.json");
    const r = await runHelper(python, ["params", out, ...files.flatMap((f) => ["--file", f]), ...yamls.flatMap((y) => ["--yaml", y])]);
    if (r.code !== 0) throw new ParameterError(`cannot read parameters: ${r.stderr.trim().split("\n").pop() ?? `exit ${r.code}`}`, { python });
    const merged = revive(JSON.parse(readFileSync(out, "utf8"))) as Record<string, ParameterValue>;
    return Object.entries(merged).map(([name, value]) => namedParameter(name, value));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const DECLARATION = /^[ \t]*(?:export[ \t]+)?(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)/gm;

/**
 * The names the cell tagged `parameters` declares at its top level (`const x`, `let y: T = …`),
 * or undefined without such a cell. Like papermill's inspection, a best effort that never fails.
 */
export function declaredParameters(notebook: Notebook): string[] | undefined {
  const cell = notebook.cells.find((c) => c.metadata.tags?.includes(PARAMETERS_TAG));
  if (!cell) return undefined;
  const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  return [...source.matchAll(DECLARATION)].map((m) => m[1] as string);
}

/** The parameters the notebook does not declare, for papermill's "Passed unknown parameter" warning. */
export function unknownParameters(notebook: Notebook, parameters: readonly Parameter[]): string[] {
  const declared = declaredParameters(notebook);
  if (declared === undefined) return [];
  return [...new Set(parameters.map((p) => p.name))].filter((n) => !declared.includes(n));
}

export interface PapermillRun {
  inputPath: string;
  outputPath: string | null;
  parameters: readonly Parameter[];
  /** Whether a cell raised; null when nothing ran (--prepare-only). */
  exception: boolean | null;
}

/**
 * `metadata.papermill` of an output notebook: papermill's notebook-level fields less its timings
 * (start_time, end_time, duration), as nbclient runs here without record_timing, so the same
 * notebook and parameters give the same output notebook, byte for byte.
 */
export function papermillMetadata(run: PapermillRun): Record<string, unknown> {
  const parameters: Record<string, ParameterValue> = {};
  for (const p of run.parameters) parameters[p.name] = p.value;
  return { input_path: run.inputPath, output_path: run.outputPath, parameters, environment_variables: {}, exception: run.exception };
}
