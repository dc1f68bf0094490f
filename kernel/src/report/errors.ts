/**
 * Errors of `sluice report`. Each carries what a user needs to act: the notebook, the cell, the
 * Python that was tried. `name` is the class name so the CLI can tell usage errors apart.
 */

export interface ReportContext {
  notebook?: string;
  /** Index of the cell in the notebook as the user saved it (injected cells not counted). */
  cell?: number;
  parameter?: string;
  python?: string;
  kernel?: string;
}

export class ReportError extends Error {
  readonly context: ReportContext;
  constructor(message: string, context: ReportContext = {}, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = context;
  }
}

/** A `-p key=value` that cannot become a TypeScript declaration. */
export class ParameterError extends ReportError {}

/** No Python with nbclient and nbconvert, or the helper failed in an unexpected way. */
export class JupyterToolsError extends ReportError {}

/** The kernel could not be started. */
export class KernelStartError extends ReportError {}

/**
 * A cell raised while the notebook ran. The HTML report (and the executed notebook, if asked
 * for) are still written, showing the error where it happened, as papermill does.
 */
export class CellExecutionError extends ReportError {
  readonly ename: string;
  readonly evalue: string;
  constructor(message: string, context: ReportContext, ename: string, evalue: string) {
    super(message, context);
    this.ename = ename;
    this.evalue = evalue;
  }
}
