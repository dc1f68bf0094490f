/** Timestamps from the gateway's JSON rows shown as Flink's SQL client (and the embedded engine) show them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { flinkDisplayRow, flinkDisplayValue } from "./values.js";

const ts = (precision?: number) => ({ name: "t", logicalType: { type: "TIMESTAMP_WITHOUT_TIME_ZONE", nullable: true, ...(precision === undefined ? {} : { precision }) } });

test("ISO timestamps of the JSON row format become 'yyyy-MM-dd HH:mm:ss' with the type's precision", () => {
  assert.equal(flinkDisplayValue("2024-01-01T00:00:10", ts(3)), "2024-01-01 00:00:10.000");
  assert.equal(flinkDisplayValue("2024-01-01T00:00", ts(3)), "2024-01-01 00:00:00.000");
  assert.equal(flinkDisplayValue("2024-01-01T00:00:38.999", ts(3)), "2024-01-01 00:00:38.999");
  assert.equal(flinkDisplayValue("2024-01-01T00:00:38.5", ts()), "2024-01-01 00:00:38.500000");
  assert.equal(flinkDisplayValue("2024-01-01T00:00:38.123456", ts(0)), "2024-01-01 00:00:38");
  assert.equal(flinkDisplayValue("2024-01-01T00:00:01Z", { name: "t", logicalType: { type: "TIMESTAMP_WITH_LOCAL_TIME_ZONE", nullable: true, precision: 3 } }), "2024-01-01 00:00:01.000Z");
});

test("other values, and NULL timestamps, are left as they are", () => {
  const int = { name: "n", logicalType: { type: "INTEGER", nullable: false } };
  const str = { name: "s", logicalType: { type: "VARCHAR", nullable: true } };
  assert.deepEqual(flinkDisplayRow([1, "2024-01-01T00:00", null], [int, str, ts(3)]), [1, "2024-01-01T00:00", null]);
});
