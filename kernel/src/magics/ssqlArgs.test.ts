import assert from "node:assert/strict";
import { test } from "node:test";
import { MagicUsageError } from "./magic.js";
import { parseSsqlArgs } from "./ssqlMagic.js";

test("%%ssql takes --restore SAVEPOINT (or --restore=SAVEPOINT) and nothing else", () => {
  assert.equal(parseSsqlArgs(""), undefined);
  assert.equal(parseSsqlArgs("--restore before-upgrade"), "before-upgrade");
  assert.equal(parseSsqlArgs("--restore='sp1'"), "sp1");
  assert.equal(parseSsqlArgs("--restore=/tmp/savepoint-x.json"), "/tmp/savepoint-x.json");
  for (const bad of ["--restore", "--chart", "--restore a b", "sp"]) assert.throws(() => parseSsqlArgs(bad), MagicUsageError, bad);
});
