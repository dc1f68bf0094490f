/**
 * Sluice's JupyterLab extension: `%%sql` cells edited as SQL (sqlCells.ts), and final job status
 * lines on restart. Why the latter: on *Restart Kernel*, JupyterLab's KernelConnection.restart()
 * drops its display-id routes before it asks the server to restart, so the old kernel's last
 * update of each job's status line (`■ stopped: kernel restarted`) never reaches the notebook and
 * the output says `● running` forever, and is saved that way. This plugin writes that final state
 * into the notebook's output model itself when a notebook's kernel restarts, dies or is replaced.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import type { ICodeCellModel } from "@jupyterlab/cells";
import { isDisplayData, isExecuteResult } from "@jupyterlab/nbformat";
import { INotebookTracker, type INotebookModel, type NotebookPanel } from "@jupyterlab/notebook";
import { stoppedStatusData } from "./statusLine.js";
import { highlightSqlCells } from "./sqlCells.js";
import { handleCardButtons, showCardButtons } from "./jobCard.js";

/** Rewrites every live Sluice status line among the notebook's outputs; returns how many. */
export function stopLiveStatusLines(model: INotebookModel, reason: string): number {
  let changed = 0;
  for (const cell of model.cells) {
    if (cell.type !== "code") continue;
    const outputs = (cell as ICodeCellModel).outputs;
    for (let i = 0; i < outputs.length; i++) {
      const output = outputs.get(i).toJSON();
      if (!isDisplayData(output) && !isExecuteResult(output)) continue;
      const data = stoppedStatusData(output.data, reason);
      if (data === undefined) continue;
      // set() is what JupyterLab's own update_display_data does: it reaches the saved notebook.
      outputs.set(i, { ...output, data });
      changed++;
    }
  }
  return changed;
}

function watch(panel: NotebookPanel): void {
  const { sessionContext } = panel;
  const stop = (reason: string): void => {
    const model = panel.content.model;
    if (model !== null) stopLiveStatusLines(model, reason);
  };
  // The reasons are the kernel's own (kernel/src/session/kernel.ts): what it says when it is heard.
  sessionContext.statusChanged.connect((_, status) => {
    if (status === "restarting" || status === "autorestarting") stop("kernel restarted");
    else if (status === "dead") stop("kernel shut down");
  });
  sessionContext.kernelChanged.connect((_, change) => {
    if (change.oldValue !== null && change.oldValue !== undefined) stop("kernel shut down");
  });
}

const sqlCells: JupyterFrontEndPlugin<void> = {
  id: "sluice-jupyter:sql-cells",
  description: "Highlights %%sql cells of Sluice notebooks as SQL.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    tracker.forEach(highlightSqlCells);
    tracker.widgetAdded.connect((_, panel) => highlightSqlCells(panel));
  },
};

const plugin: JupyterFrontEndPlugin<void> = {
  id: "sluice-jupyter:final-job-status",
  description: "Gives Sluice job status lines their final state when the notebook's kernel restarts or stops.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    tracker.forEach(watch);
    tracker.widgetAdded.connect((_, panel) => watch(panel));
  },
};

const jobCards: JupyterFrontEndPlugin<void> = {
  id: "sluice-jupyter:job-card",
  description: "Shows the Cancel / Savepoint / Stop buttons of Sluice job cards and sends their clicks to the kernel.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    showCardButtons(document);
    tracker.forEach(handleCardButtons);
    tracker.widgetAdded.connect((_, panel) => handleCardButtons(panel));
  },
};

export default [plugin, sqlCells, jobCards];
