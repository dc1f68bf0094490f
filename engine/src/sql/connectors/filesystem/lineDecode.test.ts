/** Integer fields of a file read as Java's parseInt/parseLong read them (Flink's formats), on the fast path and past it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { textValue } from "./lineDecode.js";

test("integer fields: sign, digits and spaces as parseInt reads them, -0 as 0, the type's range on both paths", () => {
  const int = { name: "INT" } as Parameters<typeof textValue>[1];
  const bigint = { name: "BIGINT" } as Parameters<typeof textValue>[1];
  assert.ok(Object.is(textValue("-0", int), 0));
  assert.equal(textValue(" +12 ", int), 12);
  assert.equal(textValue("-2147483648", int), -2147483648);
  assert.throws(() => textValue("2147483648", int), /out of range/);
  assert.throws(() => textValue("1.5", int), /For input string: "1.5"/);
  assert.throws(() => textValue("-Infinity", int), /For input string/);
  // Past 15 characters the range is checked exactly.
  assert.equal(textValue("0000000000000000012", int), 12);
  assert.throws(() => textValue("9223372036854775808", bigint), /out of range/);
  assert.equal(textValue("-9223372036854775808", bigint), Number(-9223372036854775808n));
  assert.throws(() => textValue("300", { name: "TINYINT" } as Parameters<typeof textValue>[1]), /out of range/);
});
