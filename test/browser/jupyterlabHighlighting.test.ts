/**
 * Syntax highlighting in JupyterLab (Debian's Chromium, loopback only): a TypeScript cell is
 * highlighted as TypeScript (JupyterLab picks the language from the kernel's
 * language_info.codemirror_mode by name in its EditorLanguageRegistry), and a `%%sql` cell as SQL
 * (Sluice's JupyterLab extension, kernel/jupyter/labextension/src/sqlCells.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromiumMissing } from "../support/chromium.js";
import { NOTEBOOK, openNotebook } from "../support/jupyterLab.js";

const cells = ["interface Point { x: number }\nconst p: Point = { x: 1 };", "%%sql\nselect count(*) as n from range(3) where true", "const q = 1;"];

/** Per cell: the editor's MIME type, and each highlighted token's text with its CodeMirror style classes. */
const TOKENS = `(() => {
  const nb = ${NOTEBOOK};
  return nb.widgets.map((cell) => ({
    mime: cell.model.mimeType,
    tokens: [...cell.node.querySelectorAll(".cm-content span")].map((s) => ({ text: s.textContent, cls: s.className, color: getComputedStyle(s).color })),
  }));
})()`;

/** True once the cells have their languages and `interface` (TypeScript) and select/from/where (SQL) are styled as the plain cell's `const` keyword. */
const HIGHLIGHTED = `(() => {
  const [ts, sql, plain] = ${TOKENS};
  const cls = (cell, text) => cell?.tokens.find((k) => k.text === text)?.cls;
  const keyword = cls(plain, "const");
  return ts.mime === "application/typescript" && sql.mime === "text/x-sql" && keyword !== undefined && cls(ts, "interface") === keyword && ["select", "from", "where"].every((w) => cls(sql, w) === keyword);
})()`;

test("JupyterLab highlights TypeScript cells as TypeScript and %%sql cells as SQL", { skip: chromiumMissing() }, async (t) => {
  const lab = await openNotebook({ name: "highlight.ipynb", cells });
  try {
    const { page } = lab;
    // language_info arrives with the kernel; the cells then take its language.
    await page.waitForFunction(`${TOKENS}[2].mime !== "text/x-ipython"`, undefined, { timeout: 30_000 });
    // CodeMirror highlights after the language is set (a language's parser loads on demand): the tokens
    // are awaited in the state asserted below, and judged there with what was seen if they never get there.
    await page.waitForFunction(HIGHLIGHTED, undefined, { timeout: 30_000 }).catch(() => undefined);
    const [ts, sql, plain] = await page.evaluate<{ mime: string; tokens: { text: string; cls: string }[] }[]>(TOKENS);
    t.diagnostic(JSON.stringify({ ts, sql }));
    const cls = (cell: { tokens: { text: string; cls: string }[] } | undefined, text: string) => cell?.tokens.find((k) => k.text === text)?.cls;
    const keyword = cls(plain, "const");
    assert.ok(keyword, "`const` is highlighted");
    assert.equal(ts?.mime, "application/typescript", "the TypeScript cell's editor language");
    assert.equal(cls(ts, "interface"), keyword, "`interface` is a keyword in TypeScript (a plain name in JavaScript)");
    assert.equal(sql?.mime, "text/x-sql", "the %%sql cell's editor language");
    for (const word of ["select", "from", "where"]) assert.equal(cls(sql, word), keyword, `\`${word}\` is a SQL keyword`);
    // Editing switches it back and forth.
    await page.evaluate(`${NOTEBOOK}.widgets[1].model.sharedModel.setSource("select(1)")`);
    await page.waitForFunction(`${TOKENS}[1].mime === "application/typescript"`, undefined, { timeout: 30_000 });
    await page.evaluate(`${NOTEBOOK}.widgets[2].model.sharedModel.setSource("%%sql\\nselect 1")`);
    await page.waitForFunction(`${TOKENS}[2].mime === "text/x-sql"`, undefined, { timeout: 30_000 });
    assert.deepEqual(lab.browser.blocked, [], "nothing but our own server was contacted");
  } finally {
    await lab.close();
  }
});
