import { ParameterError, ReportError } from "./errors.js";
import { papermillParameter, papermillRawParameter, parseParameter, parseRawParameter, type Parameter } from "./parameters.js";
import { runReport, type ReportOptions } from "./runReport.js";

export const REPORT_USAGE = `  sluice report NOTEBOOK -o OUT.html [options]                          run a notebook, write an HTML report
      -p, --parameter KEY=VALUE   set a parameter (typed: number, true/false, JSON, else string)
      -p NAME VALUE               papermill's form and typing: True/False/None, int, float, else string
      -r, --raw KEY=VALUE         set a parameter to the string VALUE (also -r NAME VALUE)
      -f, --parameters_file FILE  parameters from a YAML or JSON file, as papermill -f
      -y, --parameters_yaml YAML  parameters from a YAML mapping, as papermill -y
      --prepare-only              write the parameterised notebook to --notebook-out, run nothing
      --notebook-out FILE.ipynb   also save the executed notebook
      --kernel NAME               kernelspec (default: the notebook's, else sluice)
      --timeout SECONDS           per cell (default 600)
      --cwd DIR                   the kernel's working directory (default: the notebook's folder)
      --no-input                  show outputs only
      --sanitize                  strip script from the notebook's own HTML (outputs, markdown)
      --allow-errors              run every cell even after an error`;

/** Thrown for bad arguments; bin/sluice.js prints the message and the usage hint for this name. */
class UsageError extends Error {
  override name = "UsageError";
}

/** Parses the arguments after `sluice report`. */
export function parseReportArgs(args: readonly string[]): ReportOptions {
  const parameters: Parameter[] = [];
  const parameterFiles: string[] = [];
  const parameterYaml: string[] = [];
  let notebook: string | undefined;
  let output: string | undefined;
  const options: Partial<ReportOptions> = {};
  const value = (i: number, flag: string): string => {
    const v = args[i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      // `-p key=value` (ours) or papermill's `-p NAME VALUE`: a name never contains "=".
      const keyValue = (v: string) => /^[^=\s]+=/.test(v);
      if (a === "-p" || a === "--parameter" || a === "--parameters") {
        const first = value(++i, a);
        parameters.push(keyValue(first) ? parseParameter(first) : papermillParameter(first, value(++i, `${a} ${first}`)));
      } else if (a === "-r" || a === "--raw" || a === "--parameters_raw") {
        const first = value(++i, a);
        parameters.push(keyValue(first) ? parseRawParameter(first) : papermillRawParameter(first, value(++i, `${a} ${first}`)));
      } else if (a === "-f" || a === "--parameters_file" || a === "--parameters-file") parameterFiles.push(value(++i, a));
      else if (a === "-y" || a === "--parameters_yaml" || a === "--parameters-yaml") parameterYaml.push(value(++i, a));
      else if (a === "--prepare-only") options.prepareOnly = true;
      else if (a === "-o" || a === "--output") output = value(++i, a);
      else if (a === "--notebook-out") options.notebookOutput = value(++i, a);
      else if (a === "--kernel") options.kernel = value(++i, a);
      else if (a === "--cwd") options.cwd = value(++i, a);
      else if (a === "--no-input") options.hideInput = true;
      else if (a === "--allow-errors") options.allowErrors = true;
      else if (a === "--sanitize") options.sanitize = true;
      else if (a === "--timeout") {
        const t = Number(value(++i, a));
        if (!Number.isInteger(t) || t <= 0) throw new UsageError(`--timeout needs a whole number of seconds, got ${args[i]}`);
        options.timeoutSeconds = t;
      } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
      else if (notebook === undefined) notebook = a;
      else throw new UsageError(`one notebook at a time (got ${notebook} and ${a})`);
    }
  } catch (e) {
    if (e instanceof ParameterError) throw new UsageError(e.message);
    throw e;
  }
  if (!notebook) throw new UsageError("report needs a NOTEBOOK");
  if (options.prepareOnly) {
    if (!options.notebookOutput) throw new UsageError("--prepare-only needs --notebook-out FILE.ipynb");
  } else if (!output) throw new UsageError("report needs -o OUT.html");
  return {
    ...options,
    notebook,
    output: output ?? "",
    parameters,
    ...(parameterFiles.length ? { parameterFiles } : {}),
    ...(parameterYaml.length ? { parameterYaml } : {}),
  };
}

/**
 * `sluice report ...`: returns the process exit code. Report errors (a cell raised, no kernel,
 * no Jupyter tools) are printed without a stack trace: they are about the notebook or the
 * machine, not about Sluice.
 */
export async function reportCommand(args: readonly string[]): Promise<number> {
  const options = parseReportArgs(args);
  try {
    const result = await runReport({ ...options, log: (m) => console.error(`[report] ${m}`) });
    if (options.prepareOnly) {
      console.log(`parameterised notebook: ${result.output}`);
      return 0;
    }
    console.log(`report: ${result.output} (${result.charts} chart${result.charts === 1 ? "" : "s"})`);
    if (result.notebookOutput) console.log(`executed notebook: ${result.notebookOutput}`);
    return 0;
  } catch (e) {
    if (!(e instanceof ReportError)) throw e;
    console.error(`sluice report: ${e.name}: ${e.message}`);
    return 1;
  }
}
