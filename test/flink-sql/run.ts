/**
 * Every conformance case against Flink's SQL engine, as a table.
 * Usage: npx tsc -b tsconfig.json && node dist/test/flink-sql/run.js [case …]
 * (needs Java 17+ and Maven; the first run downloads Flink 1.20.1's table jars into ~/.m2).
 * Kafka mode (Flink on a real broker's topic): node --test --test-force-exit dist/test/integration/sqlKafkaWatermarks.test.js
 */
import { CASES } from "./cases.js";
import { formatOutcomes, runOracle } from "./oracle.js";

const wanted = process.argv.slice(2);
const cases = wanted.length > 0 ? CASES.filter((c) => wanted.includes(c.name)) : CASES;
const started = Date.now();
const outcomes = await runOracle(cases);
console.log(formatOutcomes(outcomes));
console.log(`(${cases.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, Flink 1.20.1 SQL, streaming mode, parallelism 1 unless a case SETs it)`);
process.exitCode = outcomes.every((o) => o.ok) ? 0 : 1;
