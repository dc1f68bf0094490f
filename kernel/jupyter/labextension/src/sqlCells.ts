/**
 * `%%sql` cells edited as SQL. A notebook gives every code cell the kernel's language (TypeScript
 * for Sluice); a `%%sql` cell's body is DuckDB SQL, so its editor should highlight SQL, as
 * jupysql-plugin does for IPython. We set the cell model's MIME type, which the editor follows
 * through JupyterLab's own language registry (SQL is `text/x-sql` there), instead of bundling
 * CodeMirror languages of our own.
 */
import type { Cell, ICodeCellModel } from "@jupyterlab/cells";
import type { NotebookPanel } from "@jupyterlab/notebook";
import { cellMimeType } from "./sqlCellLanguage.js";

function isSluiceNotebook(panel: NotebookPanel): boolean {
  const spec = panel.content.model?.getMetadata("kernelspec") as { name?: string } | undefined;
  return spec?.name === "sluice" || panel.sessionContext.session?.kernel?.name === "sluice";
}

/** Keeps each code cell's MIME type in step with its first line. */
export function highlightSqlCells(panel: NotebookPanel): void {
  const watched = new WeakSet<ICodeCellModel>();
  const apply = (model: ICodeCellModel): void => {
    if (!isSluiceNotebook(panel)) return;
    const mime = cellMimeType(model.sharedModel.getSource(), panel.content.codeMimetype);
    // The notebook resets every cell to its own MIME type when language_info arrives; setting only
    // on a difference makes that reset and our correction settle after one round.
    if (model.mimeType !== mime) model.mimeType = mime;
  };
  const watch = (cell: Cell): void => {
    if (cell.model.type !== "code") return;
    const model = cell.model as ICodeCellModel;
    if (watched.has(model)) return;
    watched.add(model);
    model.sharedModel.changed.connect(() => apply(model));
    model.mimeTypeChanged.connect(() => apply(model));
    apply(model);
  };
  const watchAll = (): void => panel.content.widgets.forEach(watch);
  // The notebook creates a cell's widget in its own handler of the same signal, connected before ours.
  const onCells = (): void => void Promise.resolve().then(watchAll);
  panel.content.modelChanged.connect(() => {
    panel.content.model?.cells.changed.connect(onCells);
    onCells();
  });
  panel.content.model?.cells.changed.connect(onCells);
  panel.sessionContext.kernelChanged.connect(onCells);
  void panel.revealed.then(watchAll);
  watchAll();
}
