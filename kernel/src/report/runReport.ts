import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { withChartHtml } from "./charts.js";
import { CellExecutionError, JupyterToolsError, KernelStartError, ReportError } from "./errors.js";
import { checkPython, defaultPython, lastJsonLine, runHelper, TEMPLATE } from "./jupyterPython.js";
import { isDrainCell, kernelName, parseNotebook, prepareNotebook, userCellIndex, withoutQuietDrain, type Notebook } from "./notebook.js";
import type { Parameter } from "./parameters.js";
import { runtimeHtml } from "./vegaRuntime.js";

export interface ReportOptions {
  /** The notebook to run; it is read, never written. */
  notebook: string;
  /** The HTML report to write (folders are created). */
  output: string;
  parameters?: readonly Parameter[];
  /** Also save the executed notebook here (with the injected parameters cell, as papermill does). */
  notebookOutput?: string;
  /** Kernelspec name; default: the notebook's own, else "sluice". */
  kernel?: string;
  /** Seconds each cell may run (nbclient's timeout); default 600. */
  timeoutSeconds?: number;
  /** The kernel's working directory; default: the notebook's folder, as in JupyterLab. */
  cwd?: string;
  /** Leave code out of the report, showing outputs only. */
  hideInput?: boolean;
  /** Run every cell even after one raises; the report shows each error. */
  allowErrors?: boolean;
  /** The Python with nbclient/nbconvert; default: see jupyterPython.defaultPython. */
  python?: string;
  /** Progress lines, e.g. console.error. */
  log?: (message: string) => void;
}

export interface ReportResult {
  output: string;
  notebookOutput?: string;
  /** Vega / Vega-Lite outputs embedded in the report. */
  charts: number;
}

const EXIT_CELL_ERROR = 3;
const EXIT_KERNEL = 4;
const MARKER = "<!-- sluice:vega-runtime -->";

function tail(text: string, lines = 15): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

function writeJson(path: string, nb: Notebook): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(nb, null, 1) + "\n");
}

/**
 * Executes a notebook with parameters and writes a self-contained HTML report: every Vega /
 * Vega-Lite chart draws in a browser with no network. If a cell raises, the report (and the
 * executed notebook) are still written, then CellExecutionError is thrown.
 *
 * Order of work: inject parameters and the drain cell (notebook.ts) → nbclient runs every cell,
 * the drain cell last, so bounded background jobs finish and their final display updates land
 * in the cells that started them → chart outputs gain their HTML (charts.ts) → nbconvert renders
 * the page with our template → the vega runtime is inlined at the template's marker.
 */
export async function runReport(options: ReportOptions): Promise<ReportResult> {
  const log = options.log ?? (() => {});
  const notebookPath = resolve(options.notebook);
  const output = resolve(options.output);
  let text: string;
  try {
    text = readFileSync(notebookPath, "utf8");
  } catch (e) {
    throw new ReportError(`cannot read ${notebookPath}: ${(e as Error).message}`, { notebook: notebookPath }, { cause: e });
  }
  const source = parseNotebook(text, notebookPath);
  const prepared = prepareNotebook(source, options.parameters ?? []);
  const kernel = options.kernel ?? kernelName(source) ?? "sluice";
  const python = options.python ?? defaultPython();
  checkPython(python);

  const work = mkdtempSync(join(tmpdir(), "sluice-report-"));
  try {
    const toRun = join(work, "input.ipynb");
    const executedPath = join(work, "executed.ipynb");
    writeJson(toRun, prepared.notebook);
    log(`executing ${notebookPath} with kernel ${kernel}`);
    const run = await runHelper(python, [
      "execute", toRun, executedPath,
      "--cwd", resolve(options.cwd ?? dirname(notebookPath)),
      "--kernel", kernel,
      "--timeout", String(options.timeoutSeconds ?? 600),
      ...(options.allowErrors ? ["--allow-errors"] : []),
    ]);
    if (run.code === EXIT_KERNEL) {
      const info = lastJsonLine(run.stderr);
      const why = String(info?.error ?? tail(run.stderr));
      // nbclient's NoSuchKernel: the kernelspec is not where this Python's Jupyter looks.
      const named = kernel === "sluice" ? "" : ` --name ${kernel}`;
      const fix = /No such kernel/i.test(why) ? `; install Sluice's with "sluice install --user${named}" (or --sys-prefix, into the environment of ${python})` : "";
      throw new KernelStartError(`kernel "${kernel}" could not be started: ${why}${fix}`, { notebook: notebookPath, kernel });
    }
    if (run.code !== 0 && run.code !== EXIT_CELL_ERROR) {
      throw new JupyterToolsError(`executing the notebook failed (exit ${run.code}):\n${tail(run.stderr)}`, { notebook: notebookPath, python });
    }
    const executed = withoutQuietDrain(parseNotebook(readFileSync(executedPath, "utf8"), executedPath));
    if (options.notebookOutput) writeJson(resolve(options.notebookOutput), executed);

    const { notebook: forHtml, charts } = withChartHtml(executed);
    const htmlInput = join(work, `${basenameOf(notebookPath)}.ipynb`); // nbconvert titles the page after it
    const htmlPath = join(work, "report.html");
    writeJson(htmlInput, forHtml);
    log(`rendering ${charts} chart(s) to ${output}`);
    const render = await runHelper(python, ["html", htmlInput, htmlPath, "--template", TEMPLATE, ...(options.hideInput ? ["--no-input"] : [])]);
    if (render.code !== 0) throw new JupyterToolsError(`rendering HTML failed (exit ${render.code}):\n${tail(render.stderr)}`, { notebook: notebookPath, python });
    const page = readFileSync(htmlPath, "utf8");
    if (!page.includes(MARKER)) throw new JupyterToolsError(`the report template lost its runtime marker ${MARKER}`, { notebook: notebookPath });
    mkdirSync(dirname(output), { recursive: true });
    // A function replacement: the bundles contain `$&`-like sequences that a string would expand.
    writeFileSync(output, page.replace(MARKER, () => (charts > 0 ? runtimeHtml() : "")));

    if (run.code === EXIT_CELL_ERROR) {
      const info = lastJsonLine(run.stderr) ?? {};
      const index = typeof info.cell === "number" ? userCellIndex(prepared, info.cell) : undefined;
      const drain = typeof info.cell === "number" && isDrainCell(prepared, info.cell);
      const where = index !== undefined ? `cell ${index + 1}` : drain ? "waiting for background jobs" : "a cell";
      throw new CellExecutionError(
        `${where} raised ${String(info.ename ?? "an error")}: ${String(info.evalue ?? "")} (the report, with the error, is at ${output})`,
        { notebook: notebookPath, kernel, ...(index === undefined ? {} : { cell: index }) },
        String(info.ename ?? ""),
        String(info.evalue ?? ""),
      );
    }
    return { output, charts, ...(options.notebookOutput ? { notebookOutput: resolve(options.notebookOutput) } : {}) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function basenameOf(path: string): string {
  return (path.split(/[\\/]/).pop() ?? "report").replace(/\.ipynb$/, "");
}
