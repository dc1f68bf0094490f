import { test } from "node:test";
import assert from "node:assert/strict";
import { parseReportArgs } from "./reportCommand.js";

test("report arguments become runReport options", () => {
  const o = parseReportArgs([
    "nb.ipynb",
    "-p",
    "n=3",
    "--raw",
    "s=007",
    "-o",
    "out.html",
    "--notebook-out",
    "x.ipynb",
    "--timeout",
    "30",
    "--no-input",
    "--allow-errors",
    "--sanitize",
    "--kernel",
    "k",
    "--cwd",
    "/d",
  ]);
  assert.deepEqual(o, {
    notebook: "nb.ipynb",
    output: "out.html",
    parameters: [
      { name: "n", value: 3 },
      { name: "s", value: "007" },
    ],
    notebookOutput: "x.ipynb",
    timeoutSeconds: 30,
    hideInput: true,
    allowErrors: true,
    sanitize: true,
    kernel: "k",
    cwd: "/d",
  });
});

test("bad report arguments are usage errors, named so bin/sluice.js prints usage", () => {
  const bad: string[][] = [
    [],
    ["nb.ipynb"],
    ["-o", "x.html"],
    ["a.ipynb", "b.ipynb", "-o", "x"],
    ["nb.ipynb", "-o"],
    ["nb.ipynb", "-o", "x", "--timeout", "0"],
    ["nb.ipynb", "-o", "x", "--what"],
    ["nb.ipynb", "-o", "x", "-p", "no-equals"],
    ["nb.ipynb", "-o", "x", "-p", "cfg={bad"],
  ];
  for (const args of bad)
    assert.throws(
      () => parseReportArgs(args),
      (e: unknown) => e instanceof Error && e.name === "UsageError",
      args.join(" "),
    );
});
