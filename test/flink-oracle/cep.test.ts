/**
 * Sluice's CEP against Flink CEP 1.20.1 itself (not expectations we wrote): every case of cepCases.ts
 * (each quantifier, contiguity, NOT step, skip strategy and `within` timeouts) on a seeded stream of
 * 600 events over 3 keys, out of order with late events and punctuated watermarks, run by Flink
 * (FlinkCepOracle.java, one JVM, ~15 s) and by Sluice; matches and timed-out partial matches must be
 * the same, in the same order per key.
 *
 * Cases marked `default: false` (a few group patterns) run with SLUICE_CEP_ORACLE_ALL=1, to keep CI short.
 * More seeds with a table: `SLUICE_CEP_ORACLE_SEEDS=5 node --test --test-force-exit dist/test/flink-oracle/cep.test.js`,
 * or `node dist/test/flink-oracle/cepRun.js <seed> <events> [case ...]`.
 * Set SLUICE_FLINK_ORACLE=off to skip where no Java is installed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CEP_CASES } from "./cepCases.js";
import { formatCepTable, runCepOracle } from "./cepOracle.js";

const skip = process.env.SLUICE_FLINK_ORACLE === "off";
const seeds = Number(process.env.SLUICE_CEP_ORACLE_SEEDS ?? "1");
const cases = process.env.SLUICE_CEP_ORACLE_ALL === "1" ? CEP_CASES : CEP_CASES.filter((c) => c.default !== false);

for (let seed = 1; seed <= seeds; seed++) {
  test(`Flink CEP oracle, seed ${seed}: every case gives Flink's matches in Flink's order`, { skip, timeout: 300_000 }, async () => {
    const outcomes = await runCepOracle(cases, seed, 600, 3);
    if (seeds > 1) console.log(`seed ${seed}\n${formatCepTable(outcomes)}`);
    const differing = outcomes.filter((o) => o.diff !== undefined);
    assert.deepEqual(
      differing.map((o) => `${o.name}: ${o.diff}`),
      [],
    );
    // The stream must exercise every case: a case with no match at all would prove nothing.
    assert.deepEqual(
      outcomes.filter((o) => o.flink === 0).map((o) => o.name),
      [],
    );
  });
}
