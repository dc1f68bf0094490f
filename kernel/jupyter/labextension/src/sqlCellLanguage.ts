/** SQL in JupyterLab's language registry (its `SQL` language; `text/x-sql` is one of its MIME types). */
export const SQL_MIME = "text/x-sql";

/** The MIME type a cell's editor should use: SQL for a `%%sql` cell magic, else the notebook's. */
export function cellMimeType(source: string, notebookMime: string): string {
  return /^%%sql(?![\w-])/.test(source) ? SQL_MIME : notebookMime;
}
