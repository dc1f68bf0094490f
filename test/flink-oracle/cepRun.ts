/**
 * Prints the Flink CEP oracle's table: `node dist/test/flink-oracle/cepRun.js [seed [events [case ...]]]`
 * (default seed 1, 600 events, every case). Exit code 1 if any case differs.
 */
import { CEP_CASES } from "./cepCases.js";
import { formatCepTable, runCepOracle } from "./cepOracle.js";

const [seed = "1", n = "600", ...names] = process.argv.slice(2);
const cases = names.length === 0 ? CEP_CASES : CEP_CASES.filter((c) => names.includes(c.name));
const outcomes = await runCepOracle(cases, Number(seed), Number(n));
console.log(formatCepTable(outcomes));
process.exitCode = outcomes.every((o) => o.diff === undefined) ? 0 : 1;
