import assert from "node:assert/strict";
import { test } from "node:test";
import { MagicUsageError } from "./magic.js";
import { parseSsqlArgs } from "./ssql/ssqlArgs.js";

test("%%ssql takes --restore SAVEPOINT (or --restore=SAVEPOINT) beside its other options", () => {
  assert.equal(parseSsqlArgs("").restore, undefined);
  assert.equal(parseSsqlArgs("--restore before-upgrade").restore, "before-upgrade");
  assert.equal(parseSsqlArgs("--restore='sp1'").restore, "sp1");
  assert.equal(parseSsqlArgs("--restore=/tmp/savepoint-x.json").restore, "/tmp/savepoint-x.json");
  assert.deepEqual(parseSsqlArgs("--view update --restore sp --target local"), { view: "update", restore: "sp", target: "local" });
  for (const bad of ["--restore", "--chart", "--restore a b", "sp", "--target yarn"]) assert.throws(() => parseSsqlArgs(bad), MagicUsageError, bad);
});
