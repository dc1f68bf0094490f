import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { CHART_HTML_MIME, withChartHtml } from "./charts.js";
import { CellExecutionError, JupyterToolsError, KernelStartError, ReportError } from "./errors.js";
import { checkPython, defaultPython, lastJsonLine, runHelper, TEMPLATE } from "./jupyterPython.js";
import { withSafeOutputMetadata } from "./outputMetadata.js";
import { isDrainCell, kernelName, parseNotebook, prepareNotebook, userCellIndex, withoutQuietDrain, type Notebook } from "./notebook.js";
import { papermillMetadata, unknownParameters, yamlParameters } from "./papermillInterface.js";
import type { Parameter } from "./parameters.js";
import { runtimeHtml } from "./vegaRuntime.js";

export interface ReportOptions {
  /** The notebook to run; it is read, never written. */
  notebook: string;
  /** The HTML report to write (folders are created); not used with prepareOnly. */
  output: string;
  /** -p / -r, in command-line order (a later one of the same name wins). */
  parameters?: readonly Parameter[];
  /** papermill's -f: YAML (or JSON) files of parameters, applied before `parameters`. */
  parameterFiles?: readonly string[];
  /** papermill's -y: YAML mappings of parameters, applied after the files, before `parameters`. */
  parameterYaml?: readonly string[];
  /** papermill's --prepare-only: write the parameterised notebook to notebookOutput, run nothing. */
  prepareOnly?: boolean;
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
  /** Strip script from author HTML (text/html, markdown, javascript outputs), as nbconvert --sanitize-html does. */
  sanitize?: boolean;
  /** Run every cell even after one raises; the report shows each error. */
  allowErrors?: boolean;
  /** The Python with nbclient/nbconvert; default: see jupyterPython.defaultPython. */
  python?: string;
  /** Progress lines, e.g. console.error. */
  log?: (message: string) => void;
}

export interface ReportResult {
  /** The HTML report (with prepareOnly, the parameterised notebook). */
  output: string;
  notebookOutput?: string;
  /** Vega / Vega-Lite outputs embedded in the report. */
  charts: number;
}

const EXIT_CELL_ERROR = 3;
const EXIT_KERNEL = 4;

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
 * the page with our template, which ends it with the inlined vega runtime (renderReport).
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
  const kernel = options.kernel ?? kernelName(source) ?? "sluice";
  const python = options.python ?? defaultPython();
  checkPython(python);
  const parameters = [...(await yamlParameters(python, options.parameterFiles ?? [], options.parameterYaml ?? [])), ...(options.parameters ?? [])];
  for (const name of unknownParameters(source, parameters)) log(`warning: passed unknown parameter: ${name} (not declared in the cell tagged parameters)`);
  const prepared = prepareNotebook(source, parameters);
  const notebookOut = options.notebookOutput === undefined ? undefined : resolve(options.notebookOutput);
  const withPapermill = (nb: Notebook, exception: boolean | null): Notebook => ({
    ...nb,
    metadata: { ...nb.metadata, papermill: papermillMetadata({ inputPath: notebookPath, outputPath: notebookOut ?? null, parameters, exception }) },
  });

  if (options.prepareOnly) {
    if (!notebookOut) throw new ReportError("--prepare-only writes the parameterised notebook: give --notebook-out FILE.ipynb", { notebook: notebookPath });
    writeJson(notebookOut, withPapermill(withoutQuietDrain(prepared.notebook), null));
    return { output: notebookOut, charts: 0, notebookOutput: notebookOut };
  }

  const work = mkdtempSync(join(tmpdir(), "sluice-report-"));
  try {
    const toRun = join(work, "input.ipynb");
    const executedPath = join(work, "executed.ipynb");
    writeJson(toRun, prepared.notebook);
    log(`executing ${notebookPath} with kernel ${kernel}`);
    const run = await runHelper(python, [
      "execute",
      toRun,
      executedPath,
      "--cwd",
      resolve(options.cwd ?? dirname(notebookPath)),
      "--kernel",
      kernel,
      "--timeout",
      String(options.timeoutSeconds ?? 600),
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
    if (notebookOut) writeJson(notebookOut, withPapermill(executed, run.code === EXIT_CELL_ERROR));

    const { charts } = await renderReport(executed, { ...options, output, title: basenameOf(notebookPath), python, log });

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
    return { output, charts, ...(notebookOut ? { notebookOutput: notebookOut } : {}) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface RenderOptions {
  /** The HTML report to write (folders are created). */
  output: string;
  /** The page's title, as nbconvert takes it from the notebook's file name. */
  title: string;
  hideInput?: boolean;
  sanitize?: boolean;
  python?: string;
  log?: (message: string) => void;
}

/**
 * Writes the HTML page of an executed notebook: chart outputs become our chart HTML (charts.ts),
 * image sizes that would break out of their attribute are dropped (outputMetadata.ts), nbconvert renders the page with report.html.j2 (nbconvert's sanitize_html with `sanitize`),
 * and the template ends the body with the inlined vega runtime when there are charts.
 */
export async function renderReport(executed: Notebook, options: RenderOptions): Promise<{ output: string; charts: number }> {
  const python = options.python ?? defaultPython();
  checkPython(python);
  const output = resolve(options.output);
  const work = mkdtempSync(join(tmpdir(), "sluice-render-"));
  try {
    const { notebook: forHtml, charts } = withChartHtml(executed);
    withSafeOutputMetadata(forHtml);
    const htmlInput = join(work, `${options.title}.ipynb`); // nbconvert titles the page after it
    const htmlPath = join(work, "report.html");
    const runtimePath = join(work, "runtime.html");
    writeJson(htmlInput, forHtml);
    writeFileSync(runtimePath, charts > 0 ? runtimeHtml() : "");
    options.log?.(`rendering ${charts} chart(s) to ${output}${options.sanitize ? " (author HTML sanitised)" : ""}`);
    const render = await runHelper(python, [
      "html",
      htmlInput,
      htmlPath,
      "--template",
      TEMPLATE,
      "--runtime",
      runtimePath,
      "--chart-mime",
      CHART_HTML_MIME,
      ...(options.hideInput ? ["--no-input"] : []),
      ...(options.sanitize ? ["--sanitize"] : []),
    ]);
    if (render.code !== 0) throw new JupyterToolsError(`rendering HTML failed (exit ${render.code}):\n${tail(render.stderr)}`, { python });
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, readFileSync(htmlPath, "utf8"));
    return { output, charts };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function basenameOf(path: string): string {
  return (path.split(/[\\/]/).pop() ?? "report").replace(/\.ipynb$/, "");
}
