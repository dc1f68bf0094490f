/**
 * The example notebooks carry the language_info the kernel reports, so running one in JupyterLab
 * or nbclient (both write the kernel's language_info into the notebook) leaves it unchanged in git.
 * When the TypeScript that checks cells changes version, this test names the notebooks to update.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kernelInfoContent } from "./kernelInfoRequest.js";
import { tslabTypeScript } from "../execute/tslabTypeScript.js";

const notebooks = fileURLToPath(new URL("../../../../notebooks/", import.meta.url));

test("language_info names TypeScript as JupyterLab's registry knows it, at the version that checks cells", () => {
  assert.equal(kernelInfoContent.language_info.codemirror_mode, "typescript");
  assert.equal(kernelInfoContent.language_info.version, tslabTypeScript().version);
});

test("every example notebook's language_info is the kernel's", () => {
  const files = readdirSync(notebooks).filter((f) => f.endsWith(".ipynb"));
  assert.ok(files.length > 0);
  for (const f of files) {
    const nb = JSON.parse(readFileSync(join(notebooks, f), "utf8")) as { metadata: { language_info?: unknown } };
    assert.deepEqual(nb.metadata.language_info, kernelInfoContent.language_info, `${f}: its metadata.language_info differs from the kernel's (rewrite it with the kernel's)`);
  }
});
