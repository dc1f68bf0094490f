import { test } from "node:test";
import assert from "node:assert/strict";
import { codePointsToIndex, indexToCodePoints } from "./codePoints.js";
import { pagerRequest } from "./pager.js";

test("cursor positions convert between code points and UTF-16 indexes", () => {
  const s = "const 🚀 = 1; x";
  assert.equal(codePointsToIndex(s, 7), 8);
  assert.equal(indexToCodePoints(s, 8), 7);
  assert.equal(codePointsToIndex("abc", 2), 2);
});

test("a trailing ? asks for the pager", () => {
  assert.equal(pagerRequest("Math.max?"), "Math.max");
  assert.equal(pagerRequest("  env.fromArray? "), "env.fromArray");
  assert.equal(pagerRequest("a ? b : c"), undefined);
});
