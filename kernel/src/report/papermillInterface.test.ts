import { test } from "node:test";
import assert from "node:assert/strict";
import { declaredParameters, papermillMetadata, unknownParameters } from "./papermillInterface.js";
import { declaration, resolvePapermillValue } from "./parameters.js";
import { parseReportArgs } from "./reportCommand.js";
import type { Notebook } from "./notebook.js";

test("papermill's -p NAME VALUE typing: True/False/None, Python int and float, else string", () => {
  // The full table is checked against papermill itself in test/python/test_papermill_interface.py.
  const cases: [string, unknown][] = [
    ["True", true],
    ["False", false],
    ["None", null],
    ["true", "true"],
    ["42", 42],
    [" -7 ", -7],
    ["1_000", 1000],
    ["2.5", 2.5],
    [".5", 0.5],
    ["1.", 1],
    ["1e3", 1000],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
    ["x", "x"],
    ["", ""],
    ["0x10", "0x10"],
    ["1 000", "1 000"],
  ];
  for (const [text, value] of cases) assert.deepEqual(resolvePapermillValue(text), value, JSON.stringify(text));
  assert.ok(Number.isNaN(resolvePapermillValue("nan")));
  assert.equal(declaration({ name: "x", value: -Infinity }), "const x: number = -Infinity;");
  assert.equal(declaration({ name: "x", value: NaN }), "const x: number = NaN;");
});

test("report arguments take papermill's forms beside key=value", () => {
  const o = parseReportArgs([
    "nb.ipynb",
    "-p",
    "kafka",
    "",
    "-p",
    "n=3",
    "--parameters",
    "q",
    "a=b",
    "-r",
    "s",
    "007",
    "-r",
    "t=1",
    "-f",
    "p.yaml",
    "-y",
    "x: 1",
    "--parameters_file",
    "q.yml",
    "-o",
    "r.html",
  ]);
  assert.deepEqual(o.parameters, [
    { name: "kafka", value: "" },
    { name: "n", value: 3 },
    { name: "q", value: "a=b" },
    { name: "s", value: "007" },
    { name: "t", value: "1" },
  ]);
  assert.deepEqual(o.parameterFiles, ["p.yaml", "q.yml"]);
  assert.deepEqual(o.parameterYaml, ["x: 1"]);
  const prep = parseReportArgs(["nb.ipynb", "--prepare-only", "--notebook-out", "out.ipynb"]);
  assert.equal(prep.prepareOnly, true);
  for (const bad of [
    ["nb.ipynb", "--prepare-only"],
    ["nb.ipynb", "-o", "x", "-p", "name"],
    ["nb.ipynb", "-o", "x", "-p", "bad-name", "1"],
    ["nb.ipynb", "-o", "x", "-f"],
  ]) {
    assert.throws(
      () => parseReportArgs(bad),
      (e: unknown) => e instanceof Error && e.name === "UsageError",
      bad.join(" "),
    );
  }
});

test("unknown parameters are those the parameters cell does not declare", () => {
  const nb: Notebook = {
    cells: [
      {
        cell_type: "code",
        metadata: { tags: ["parameters"] },
        source: ['const kafka: string = "";\n', "let rate = 10; // per second\n", "  var cfg: { a?: number } = {};\n", "// const commented = 1\n"],
        outputs: [],
      },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  assert.deepEqual(declaredParameters(nb), ["kafka", "rate", "cfg"]);
  assert.deepEqual(
    unknownParameters(nb, [
      { name: "rate", value: 1 },
      { name: "typo", value: 1 },
      { name: "typo", value: 2 },
    ]),
    ["typo"],
  );
  assert.deepEqual(unknownParameters({ ...nb, cells: [] }, [{ name: "x", value: 1 }]), [], "no parameters cell: nothing to compare with, as papermill");
});

test("metadata.papermill has papermill's notebook-level fields, less its timings", () => {
  const m = papermillMetadata({
    inputPath: "/in.ipynb",
    outputPath: "/out.ipynb",
    parameters: [
      { name: "a", value: 1 },
      { name: "a", value: 2 },
    ],
    exception: false,
  });
  assert.deepEqual(m, { input_path: "/in.ipynb", output_path: "/out.ipynb", parameters: { a: 2 }, environment_variables: {}, exception: false });
});
