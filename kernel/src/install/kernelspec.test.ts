import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { install, kernelsDir, LOGOS, uninstall } from "./kernelspec.js";
import { jupyterDataDir, jupyterOnPath } from "./jupyterPaths.js";

// Both ways of installing: through the `jupyter` on PATH (if the test runs with one, as CI does)
// and by Jupyter's rules without it.
for (const jupyter of new Set([jupyterOnPath(), undefined])) {
  test(`install ${jupyter ? "through jupyter kernelspec install" : "without jupyter on PATH"} writes a kernelspec Jupyter can start, with logos; uninstall removes it`, () => {
    const prefix = mkdtempSync(join(tmpdir(), "sluice-prefix-"));
    const dir = install({ kind: "prefix", prefix }, undefined, jupyter);
    assert.equal(dir, join(prefix, "share", "jupyter", "kernels", "sluice"));
    const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8")) as { argv: string[]; display_name: string; interrupt_mode: string; language: string };
    assert.equal(spec.display_name, "Sluice (TypeScript)");
    assert.equal(spec.language, "typescript");
    assert.equal(spec.interrupt_mode, "message");
    assert.ok(spec.argv.includes("{connection_file}"));
    assert.ok(existsSync(spec.argv[1] ?? ""), "the entry point in argv exists");
    for (const logo of LOGOS) assert.ok(existsSync(join(dir, logo)), `${logo} in the kernelspec`);
    assert.equal(uninstall({ kind: "prefix", prefix }), dir);
    assert.equal(existsSync(dir), false);
    assert.equal(uninstall({ kind: "prefix", prefix }), null);
  });
}

test("user and sys-prefix scopes follow Jupyter's data directories", () => {
  const saved = { ...process.env };
  try {
    delete process.env.JUPYTER_DATA_DIR;
    delete process.env.JUPYTER_PLATFORM_DIRS;
    process.env.XDG_DATA_HOME = "/data-home";
    process.env.VIRTUAL_ENV = "/venv";
    assert.equal(kernelsDir({ kind: "user" }), "/data-home/jupyter/kernels");
    assert.equal(kernelsDir({ kind: "sys-prefix" }), "/venv/share/jupyter/kernels");
    process.env.JUPYTER_DATA_DIR = "/jupyter-data";
    assert.equal(kernelsDir({ kind: "user" }), "/jupyter-data/kernels", "JUPYTER_DATA_DIR wins, as in jupyter_core");
  } finally {
    process.env = saved;
  }
});

test("jupyterDataDir follows jupyter_core on each platform", () => {
  const home = { HOME: "/h" };
  assert.equal(jupyterDataDir(home, "linux"), "/h/.local/share/jupyter");
  assert.equal(jupyterDataDir({ ...home, XDG_DATA_HOME: "/x" }, "linux"), "/x/jupyter");
  assert.equal(jupyterDataDir(home, "darwin"), "/h/Library/Jupyter");
  assert.equal(jupyterDataDir({ ...home, JUPYTER_PLATFORM_DIRS: "1" }, "darwin"), "/h/Library/Application Support/jupyter");
  assert.equal(jupyterDataDir({ ...home, JUPYTER_PLATFORM_DIRS: "off" }, "darwin"), "/h/Library/Jupyter", "'off' is not set");
  assert.equal(jupyterDataDir({ ...home, JUPYTER_DATA_DIR: "/d", XDG_DATA_HOME: "/x" }, "linux"), "/d");
});
