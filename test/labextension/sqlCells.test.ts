/** Which editor language Sluice's JupyterLab extension gives a cell (kernel/jupyter/labextension/src/sqlCellLanguage.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cellMimeType, SQL_MIME } from "../../kernel/jupyter/labextension/src/sqlCellLanguage.js";

test("a %%sql cell is SQL; anything else keeps the notebook's language", () => {
  const ts = "application/typescript";
  assert.equal(cellMimeType("%%sql\nselect 1", ts), SQL_MIME);
  assert.equal(cellMimeType("%%sql -o rows\nselect 1", ts), SQL_MIME);
  assert.equal(cellMimeType("%%sql", ts), SQL_MIME);
  assert.equal(cellMimeType("%sql select 1", ts), ts); // a line magic: the rest of the cell is TypeScript
  assert.equal(cellMimeType("%%sqlx\nselect 1", ts), ts);
  assert.equal(cellMimeType("%%sql-x\nselect 1", ts), ts);
  assert.equal(cellMimeType("const a = 1; // %%sql", ts), ts);
});
