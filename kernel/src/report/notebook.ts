import { ReportError } from "./errors.js";
import { injectedSource, type Parameter } from "./parameters.js";

/**
 * The parts of nbformat 4 that a report touches. Everything else in a notebook is carried
 * through untouched (index signatures), so the executed notebook is the user's notebook.
 */
export interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Cell {
  cell_type: string;
  id?: string;
  metadata: { tags?: string[]; [key: string]: unknown };
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
  [key: string]: unknown;
}

export interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string }; [key: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

/** Tags, as papermill names them, so papermill-aware tools recognise our cells. */
export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";
/** The cell appended to wait for background jobs; removed from the report unless it printed something. */
export const DRAIN_TAG = "sluice-report-drain";

/**
 * Source of the drain cell: `%jobs wait` settles once every bounded job started by earlier cells
 * has finished and published its final display update, and fails the cell with the first job
 * failure. A magic, not a global the kernel installs for cell code to find.
 */
export const DRAIN_SOURCE = "%jobs wait";

const hasTag = (cell: Cell, tag: string): boolean => cell.metadata.tags?.includes(tag) ?? false;

/** Parses and minimally checks a notebook file's text. */
export function parseNotebook(text: string, path: string): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new ReportError(`${path} is not a notebook: ${(e as Error).message}`, { notebook: path });
  }
  const n = nb as Partial<Notebook> | null;
  if (!n || typeof n !== "object" || !Array.isArray(n.cells) || n.nbformat !== 4) {
    throw new ReportError(`${path} is not an nbformat 4 notebook`, { notebook: path });
  }
  n.metadata ??= {};
  const ids = new Set(n.cells.map((c) => c.id));
  n.cells.forEach((cell, i) => {
    // Hand-written notebooks often omit these; nbconvert's validation then refuses them, and
    // nbformat would invent random ids, making each run's report different.
    if (cell.id === undefined && (n.nbformat_minor ?? 0) >= 5) {
      let id = `cell-${i}`;
      while (ids.has(id)) id += "-";
      ids.add(id);
      cell.id = id;
    }
    cell.metadata ??= {};
    if (cell.cell_type === "code") {
      cell.outputs ??= [];
      cell.execution_count ??= null;
    }
  });
  return n as Notebook;
}

function codeCell(id: string, tag: string, source: string): Cell {
  return { cell_type: "code", id, metadata: { tags: [tag] }, source, outputs: [], execution_count: null };
}

export interface PreparedNotebook {
  notebook: Notebook;
  /** Where the injected cell went, or -1: used to map executed cell indexes back to the user's. */
  injectedAt: number;
}

/**
 * The notebook to execute: papermill's injection (a cell tagged `injected-parameters` right after
 * the first cell tagged `parameters`, or first if there is none; an injected cell left from an
 * earlier run is replaced) and the drain cell at the end.
 */
export function prepareNotebook(source: Notebook, parameters: readonly Parameter[]): PreparedNotebook {
  const notebook = structuredClone(source);
  notebook.cells = notebook.cells.filter((c) => !hasTag(c, INJECTED_TAG) && !hasTag(c, DRAIN_TAG));
  let injectedAt = -1;
  if (parameters.length > 0) {
    injectedAt = notebook.cells.findIndex((c) => hasTag(c, PARAMETERS_TAG)) + 1;
    notebook.cells.splice(injectedAt, 0, codeCell(INJECTED_TAG, INJECTED_TAG, injectedSource(parameters)));
  }
  notebook.cells.push(codeCell(DRAIN_TAG, DRAIN_TAG, DRAIN_SOURCE));
  // Cell ids exist from nbformat 4.5; an older notebook must not gain them.
  if (notebook.nbformat_minor < 5) for (const c of notebook.cells) delete c.id;
  return { notebook, injectedAt };
}

/** The executed notebook without the drain cell, unless the wait printed or raised something. */
export function withoutQuietDrain(executed: Notebook): Notebook {
  const notebook = structuredClone(executed);
  notebook.cells = notebook.cells.filter((c) => !(hasTag(c, DRAIN_TAG) && (c.outputs?.length ?? 0) === 0));
  return notebook;
}

/** The index a user sees in their own notebook for an executed cell's index (undefined for ours). */
export function userCellIndex(prepared: PreparedNotebook, executedIndex: number): number | undefined {
  const cell = prepared.notebook.cells[executedIndex];
  if (!cell || hasTag(cell, INJECTED_TAG) || hasTag(cell, DRAIN_TAG)) return undefined;
  return prepared.injectedAt >= 0 && executedIndex > prepared.injectedAt ? executedIndex - 1 : executedIndex;
}

/** Whether an executed cell is the drain cell (a failure there is a background job's). */
export function isDrainCell(prepared: PreparedNotebook, executedIndex: number): boolean {
  const cell = prepared.notebook.cells[executedIndex];
  return cell !== undefined && hasTag(cell, DRAIN_TAG);
}

export function kernelName(notebook: Notebook): string | undefined {
  return notebook.metadata.kernelspec?.name;
}
