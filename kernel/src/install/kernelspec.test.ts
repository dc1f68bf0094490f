import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { install, kernelsDir, uninstall } from "./kernelspec.js";

test("install writes a kernelspec Jupyter can start, uninstall removes it", () => {
  const prefix = mkdtempSync(join(tmpdir(), "sluice-prefix-"));
  const dir = install({ kind: "prefix", prefix });
  assert.equal(dir, join(prefix, "share", "jupyter", "kernels", "sluice"));
  const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8")) as { argv: string[]; display_name: string; interrupt_mode: string; language: string };
  assert.equal(spec.display_name, "Sluice (TypeScript)");
  assert.equal(spec.language, "typescript");
  assert.equal(spec.interrupt_mode, "message");
  assert.ok(spec.argv.includes("{connection_file}"));
  assert.ok(existsSync(spec.argv[1] ?? ""), "the entry point in argv exists");
  assert.equal(uninstall({ kind: "prefix", prefix }), dir);
  assert.equal(existsSync(dir), false);
  assert.equal(uninstall({ kind: "prefix", prefix }), null);
});

test("user and sys-prefix scopes follow Jupyter's data directories", () => {
  const saved = { ...process.env };
  try {
    process.env.XDG_DATA_HOME = "/data-home";
    process.env.VIRTUAL_ENV = "/venv";
    assert.equal(kernelsDir({ kind: "user" }), "/data-home/jupyter/kernels");
    assert.equal(kernelsDir({ kind: "sys-prefix" }), "/venv/share/jupyter/kernels");
  } finally {
    process.env = saved;
  }
});
