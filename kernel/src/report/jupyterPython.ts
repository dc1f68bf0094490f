import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { JupyterToolsError } from "./errors.js";

/**
 * The Python side of `sluice report`: nbclient runs the notebook against the installed kernelspec
 * and nbconvert writes the page, through the helper nbrun.py beside this file's source.
 */

// dist/kernel/src/report/x.js and kernel/src/report/x.ts are both four levels below the root.
const ROOT = new URL("../../../../", import.meta.url);
export const HELPER = fileURLToPath(new URL("kernel/src/report/nbrun.py", ROOT));
export const TEMPLATE = fileURLToPath(new URL("kernel/src/report/report.html.j2", ROOT));
const PROJECT_VENV_PYTHON = fileURLToPath(new URL(".venv/bin/python", ROOT));
const SETUP_SCRIPT = fileURLToPath(new URL("scripts/setup.sh", ROOT));

/**
 * What nbrun.py imports, at the versions CI tests (scripts/requirements-jupyter.txt; the npm
 * package does not ship that file, so they are repeated here and checked against it by
 * test/python/test_npm_package.py).
 */
export const REPORT_REQUIREMENTS = ["nbclient==0.11.0", "nbconvert==7.17.2", "nbformat==5.11.1", "jupyter_client==8.10.0"];

/**
 * Which Python: `$SLUICE_PYTHON`, else the project's `.venv` (what scripts/setup.sh makes),
 * else `python3` on PATH (Binder, Docker: the environment the kernelspec was installed into).
 */
export function defaultPython(): string {
  if (process.env.SLUICE_PYTHON) return process.env.SLUICE_PYTHON;
  if (existsSync(PROJECT_VENV_PYTHON)) return PROJECT_VENV_PYTHON;
  return "python3";
}

/** Fails early, with the fix, when the Python lacks nbclient or nbconvert. */
export function checkPython(python: string): void {
  const r = spawnSync(python, ["-c", "import nbclient, nbconvert, nbformat"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.stderr.trim().split("\n").pop() || `exit ${r.status}`;
    // In a checkout, setup.sh makes the .venv; an installed package (npm) has no such script.
    const fix = existsSync(SETUP_SCRIPT)
      ? `run "bash scripts/setup.sh", or set SLUICE_PYTHON to a Python with the packages of scripts/requirements-jupyter.txt`
      : `install them with "${python} -m pip install ${REPORT_REQUIREMENTS.join(" ")}", or set SLUICE_PYTHON to a Python that has them`;
    throw new JupyterToolsError(`${python} cannot run notebooks (${why}); ${fix}`, { python });
  }
}

export interface HelperResult {
  code: number;
  /** All of stderr: nbclient's warnings and, on a cell error, the JSON line nbrun.py ends with. */
  stderr: string;
}

/** Runs `nbrun.py ARGS` and resolves with its exit code; rejects only if it cannot start. */
export function runHelper(python: string, args: readonly string[]): Promise<HelperResult> {
  return new Promise((resolve, reject) => {
    // stdout is ignored: the helper writes its results to files (see nbrun.py).
    const child = spawn(python, [HELPER, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => reject(new JupyterToolsError(`cannot start ${python}: ${e.message}`, { python }, { cause: e })));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}

/** The JSON object on the last line of the helper's stderr, if there is one. */
export function lastJsonLine(stderr: string): Record<string, unknown> | undefined {
  const line = stderr.trim().split("\n").pop() ?? "";
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
