/** Fields of a file read as Java reads them (Flink's formats): integers by parseInt/parseLong, on the fast path and past it; floats by parseDouble. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { textValue } from "./textValue.js";

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

test("floating-point fields as Java's parseDouble reads them (NaN, Infinity, a d/f suffix; no hexadecimal), booleans trimmed, an empty BOOLEAN false", () => {
  const double = { name: "DOUBLE" } as Parameters<typeof textValue>[1];
  const decimal = { name: "DECIMAL" } as Parameters<typeof textValue>[1];
  const boolean = { name: "BOOLEAN" } as Parameters<typeof textValue>[1];
  assert.ok(Number.isNaN(textValue("NaN", double)));
  assert.equal(textValue("-Infinity", double), Number.NEGATIVE_INFINITY);
  assert.equal(textValue(" 1.5d ", double), 1.5);
  assert.equal(textValue("1e3", double), 1000);
  assert.throws(() => textValue("0x10", double), /'0x10' is not a DOUBLE/);
  assert.throws(() => textValue("NaN", decimal), /is not a DECIMAL/);
  assert.equal(textValue(" TRUE ", boolean), true);
  assert.equal(textValue("", boolean), false);
});
