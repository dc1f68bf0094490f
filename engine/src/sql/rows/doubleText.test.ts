import assert from "node:assert/strict";
import { test } from "node:test";
import { doubleText } from "./doubleText.js";

test("a DOUBLE is written as Java's Double.toString writes it", () => {
  const cases: [number, string][] = [
    [1, "1.0"],
    [0.25, "0.25"],
    [-3.5, "-3.5"],
    [0, "0.0"],
    [-0, "-0.0"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [0.00015, "1.5E-4"],
    [9999999, "9999999.0"],
    [1e7, "1.0E7"],
    [12345678.9, "1.23456789E7"],
    [-2.5e21, "-2.5E21"],
    [1e300, "1.0E300"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NaN, "NaN"],
  ];
  for (const [v, text] of cases) assert.equal(doubleText(v), text, String(v));
});
