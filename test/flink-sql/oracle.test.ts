/**
 * %%ssql conformance against Apache Flink's SQL engine itself (not expectations we wrote): the
 * default cases of cases.ts, run by Flink 1.20.1 (one JVM, see oracle.ts) and by Sluice, compared
 * as final tables. All cases: `node dist/test/flink-sql/run.js` prints a table (README, "Streaming SQL").
 * Set SLUICE_FLINK_ORACLE=off to skip where no Java/Maven is installed.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { CASES } from "./cases.js";
import { formatOutcomes, runOracle, type CaseOutcome } from "./oracle.js";

const skip = process.env.SLUICE_FLINK_ORACLE === "off";
const cases = CASES.filter((c) => c.default);
let outcomes: CaseOutcome[] = [];

before(
  async () => {
    if (!skip) outcomes = await runOracle(cases);
  },
  { timeout: 300_000 },
);

for (const c of cases) {
  test(`Flink SQL oracle: ${c.name}`, { skip }, () => {
    const o = outcomes.find((x) => x.name === c.name);
    assert.ok(o, "no outcome");
    assert.ok(o.ok, formatOutcomes([o]) + `\nflink: ${JSON.stringify(o.flink)}\nsluice: ${JSON.stringify(o.sluice)}`);
  });
}
