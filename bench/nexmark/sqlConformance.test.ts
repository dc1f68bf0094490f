/**
 * Nexmark's own q0–q2, q10, q13, q14, q21 and q22 SQL (the nexmark repository's files, unchanged) on Sluice's SQL and on Flink 1.20.1
 * SQL over the same 5,000 generated events, final tables compared (sqlConformance.ts; q10's are the files each side's
 * filesystem sink wrote, which the run used to delete on Flink's side before reading them; q13 reads the side input file the harness writes as nexmark's side_input_gen.sh). The whole q0–q22
 * table: `node dist/bench/nexmark/sqlConformance.js` (README, "Nexmark"). Needs Java 17 and Maven; set
 * SLUICE_FLINK_ORACLE=off to skip where they are not installed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { conformance, formatConformance } from "./sqlConformance.js";

const skip = process.env.SLUICE_FLINK_ORACLE === "off";

test("Nexmark q0-q2, q10, q13, q14, q21, q22 SQL: Sluice's final tables equal Flink SQL's", { skip, timeout: 300_000 }, async () => {
  const outcomes = await conformance(["q0", "q1", "q2", "q10", "q13", "q14", "q21", "q22"], 5_000);
  assert.ok(
    outcomes.every((o) => o.verdict === "same" && (o.flinkRows ?? 0) > 0),
    formatConformance(outcomes),
  );
});
