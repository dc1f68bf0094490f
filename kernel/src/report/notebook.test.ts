import { test } from "node:test";
import assert from "node:assert/strict";
import { ReportError } from "./errors.js";
import { DRAIN_SOURCE, DRAIN_TAG, INJECTED_TAG, parseNotebook, prepareNotebook, userCellIndex, withoutQuietDrain, type Cell, type Notebook } from "./notebook.js";

const code = (source: string, tags?: string[]): Cell => ({ cell_type: "code", metadata: tags ? { tags } : {}, source, outputs: [], execution_count: null });
const nb = (cells: Cell[]): Notebook => ({ cells, metadata: { kernelspec: { name: "sluice" } }, nbformat: 4, nbformat_minor: 5 });
const p = [{ name: "n", value: 3 }];

test("parameters are injected right after the cell tagged parameters", () => {
  const source = nb([code("a"), code("const n = 1;", ["parameters"]), code("n * 2")]);
  const prepared = prepareNotebook(source, p);
  const cells = prepared.notebook.cells;
  assert.deepEqual(
    cells.map((c) => c.source),
    ["a", "const n = 1;", "// Parameters injected by `sluice report`\nconst n: number = 3;", "n * 2", DRAIN_SOURCE],
  );
  assert.deepEqual(cells[2]?.metadata.tags, [INJECTED_TAG]);
  assert.match(String(cells[2]?.source), /const n: number = 3;/);
  assert.deepEqual(cells[4]?.metadata.tags, [DRAIN_TAG]);
  assert.equal(source.cells.length, 3, "the user's notebook is not modified");
  assert.equal(userCellIndex(prepared, 3), 2);
  assert.equal(userCellIndex(prepared, 1), 1);
  assert.equal(userCellIndex(prepared, 2), undefined);
});

test("without a parameters cell the injection goes first; a stale injected cell is replaced", () => {
  const source = nb([code("old", [INJECTED_TAG]), code("x")]);
  const cells = prepareNotebook(source, p).notebook.cells;
  assert.equal(cells.length, 3);
  assert.deepEqual(cells[0]?.metadata.tags, [INJECTED_TAG]);
  assert.notEqual(cells[0]?.source, "old");
  assert.equal(cells[1]?.source, "x");
});

test("no parameters: nothing injected, only the drain cell, removed again when it stayed quiet", () => {
  const prepared = prepareNotebook(nb([code("x")]), []);
  assert.equal(prepared.notebook.cells.length, 2);
  assert.equal(withoutQuietDrain(prepared.notebook).cells.length, 1);
  const noisy = structuredClone(prepared.notebook);
  noisy.cells[1]!.outputs = [{ output_type: "error", ename: "JobFailed" }];
  assert.equal(withoutQuietDrain(noisy).cells.length, 2, "a failed wait stays visible in the report");
});

test("cell ids are only added to notebooks that have them (nbformat 4.5+)", () => {
  const old = { ...nb([code("x")]), nbformat_minor: 4 };
  assert.ok(prepareNotebook(old, p).notebook.cells.every((c) => c.id === undefined));
  assert.ok(prepareNotebook(nb([code("x")]), p).notebook.cells.some((c) => c.id === INJECTED_TAG));
});

test("parseNotebook rejects what is not an nbformat 4 notebook", () => {
  assert.throws(() => parseNotebook("{", "x.ipynb"), ReportError);
  assert.throws(() => parseNotebook('{"cells": [], "nbformat": 3}', "x.ipynb"), ReportError);
  const cells = parseNotebook('{"cells": [{"cell_type": "code", "source": ""}, {"cell_type": "code", "source": "", "id": "cell-0"}], "nbformat": 4, "nbformat_minor": 5}', "x").cells;
  assert.deepEqual(
    cells.map((c) => [c.id, c.outputs, c.execution_count]),
    [
      ["cell-0-", [], null],
      ["cell-0", [], null],
    ],
    "missing fields are filled in, ids deterministically and without clashes",
  );
});
