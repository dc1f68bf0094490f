import assert from "node:assert/strict";
import { test } from "node:test";
import { allJobs } from "../runtime/jobRegistry.js";
import { parseScript, SqlSession } from "./index.js";

const ddl = `CREATE TABLE t (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE out1 (ws TIMESTAMP(3), c BIGINT) WITH ('connector' = 'blackhole');`;
const tumble = "SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end";

function explained(results: Awaited<ReturnType<SqlSession["execute"]>>): string {
  const last = results.at(-1);
  assert.ok(last?.kind === "message");
  return last.text;
}

test("EXPLAIN and EXPLAIN PLAN FOR parse around a query or an INSERT only", () => {
  const [a, b] = parseScript(`EXPLAIN ${tumble}; EXPLAIN PLAN FOR INSERT INTO out1 ${tumble}`);
  assert.ok(a?.statement.kind === "explain" && a.statement.statement.kind === "query");
  assert.ok(b?.statement.kind === "explain" && b.statement.statement.kind === "insert");
  assert.throws(() => parseScript("EXPLAIN SHOW TABLES"), /EXPLAIN of a statement other than a query/);
});

test("EXPLAIN of a TUMBLE aggregate lists scan, window aggregate and sink in order, and runs no job", async () => {
  const s = new SqlSession();
  await s.execute(ddl);
  const jobsBefore = allJobs().length;
  const text = explained(await s.execute(`EXPLAIN ${tumble}`));
  const lines = text.split("\n");
  const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  const scan = at(/^\[\d+\] t\[datagen\], parallelism=1$/);
  const window = at(/window aggregate, parallelism=1 <- \[\d+\] HASH/);
  const sink = at(/Sink: collect, parallelism=1 <- \[\d+\] \(window_start TIMESTAMP.*, c BIGINT NOT NULL\)$/);
  assert.ok(scan >= 0 && scan < window && window < sink, text);
  assert.ok(lines.includes(tumble), text);
  assert.equal(allJobs().length, jobsBefore, "EXPLAIN started a job");
  assert.equal(s.jobs.length, 0);

  const insert = explained(await s.execute(`EXPLAIN PLAN FOR INSERT INTO out1 ${tumble}`));
  assert.match(insert, /Sink: out1, parallelism=1/);
  assert.equal(allJobs().length, jobsBefore, "EXPLAIN INSERT started a job");
});

test("EXPLAIN draws the graph as SVG: a box per operator, an arrow per edge, sources on top", async () => {
  const s = new SqlSession();
  await s.execute(ddl);
  const [result] = await s.execute(`EXPLAIN SELECT id FROM t WHERE id > 1 UNION ALL SELECT id FROM t`);
  assert.ok(result?.kind === "message" && result.svg !== undefined);
  const svg = result.svg;
  const operators = result.text.split("\n").filter((l) => /^\[\d+\] /.test(l));
  assert.equal(svg.match(/<g class="operator"/g)?.length, operators.length, result.text);
  // Chains as Flink forms them: scan→watermarks (feeding each branch's Calc, one operator per SELECT … WHERE), union→sink.
  assert.equal(svg.match(/class="chain"/g)?.length, 2, svg);
  const edges = operators.reduce((sum, l) => sum + (l.match(/\[\d+\]/g)?.length ?? 1) - 1, 0);
  assert.equal(svg.match(/<line /g)?.length, edges);
  const y = (name: string): number => Number(new RegExp(`<title>${name.replace(/[[\]]/g, "\\$&")}</title><rect x="[\\d.]+" y="([\\d.]+)"`).exec(svg)?.[1]);
  assert.ok(y("t[datagen]") < y("Sink: collect"), svg);
});

test("EXPLAIN validates as planning does: an unknown table is an error at its position", async () => {
  const s = new SqlSession();
  await assert.rejects(s.execute("EXPLAIN SELECT * FROM nope"), /nope/);
});

test("EXPLAIN at parallelism 2 shows a window aggregate of mergeable aggregates in two phases, as Flink names them; DISTINCT stays one", async () => {
  const s = new SqlSession();
  await s.execute(`${ddl}\nSET 'parallelism.default' = '2';`);
  const lines = explained(await s.execute(`EXPLAIN ${tumble}`)).split("\n");
  const local = lines.findIndex((l) => /^\[\d+\] LocalWindowAggregate, parallelism=2 <- \[\d+\]/.test(l));
  const global = lines.findIndex((l) => /^\[\d+\] GlobalWindowAggregate, parallelism=2 <- \[\d+\] HASH/.test(l));
  assert.ok(local >= 0 && local < global, lines.join("\n"));
  assert.ok(!lines.some((l) => /window aggregate/.test(l)), lines.join("\n"));
  // COUNT(DISTINCT) partials would carry every value seen: one phase, as before.
  const distinct = explained(await s.execute(`EXPLAIN ${tumble.replace("COUNT(*)", "COUNT(DISTINCT id)")}`));
  assert.match(distinct, /window aggregate, parallelism=2 <- \[\d+\] HASH/);
  assert.doesNotMatch(distinct, /LocalWindowAggregate/);
});

test("EXPLAIN at parallelism 2 under agg-phase-strategy TWO_PHASE shows a HOP aggregate grouped by a key in two phases, as Flink plans nexmark q5's counts, and so does AUTO; p=1 one, ONE_PHASE none", async () => {
  const s = new SqlSession();
  await s.execute(ddl);
  const hop = "SELECT id, COUNT(*) AS c, window_start, window_end FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY id, window_start, window_end";
  await s.execute("SET 'table.optimizer.agg-phase-strategy' = 'two_phase';");
  assert.match(explained(await s.execute(`EXPLAIN ${hop}`)), /\] window aggregate, parallelism=1 <- \[\d+\] HASH/);
  await s.execute("SET 'parallelism.default' = '2';");
  await s.execute("RESET 'table.optimizer.agg-phase-strategy';");
  assert.match(explained(await s.execute(`EXPLAIN ${hop}`)), /\] GlobalWindowAggregate, parallelism=2 <- \[\d+\] HASH/);
  await s.execute("SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';");
  assert.match(explained(await s.execute(`EXPLAIN ${hop}`)), /\] window aggregate, parallelism=2 <- \[\d+\] HASH/);
  await s.execute("SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';");
  assert.doesNotMatch(explained(await s.execute(`EXPLAIN ${tumble}`)), /LocalWindowAggregate/);
  await s.execute("SET 'table.optimizer.agg-phase-strategy' = 'MANY_PHASES';");
  await assert.rejects(s.execute(`EXPLAIN ${hop}`), /Could not parse value 'MANY_PHASES' for key 'table.optimizer.agg-phase-strategy'/);
  await s.execute("SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE';");
  const lines = explained(await s.execute(`EXPLAIN ${hop}`)).split("\n");
  const local = lines.findIndex((l) => /^\[\d+\] LocalWindowAggregate, parallelism=2 <- \[\d+\]$/.test(l));
  const global = lines.findIndex((l) => /^\[\d+\] GlobalWindowAggregate, parallelism=2 <- \[\d+\] HASH/.test(l));
  assert.ok(local >= 0 && local < global, lines.join("\n"));
  assert.ok(!lines.some((l) => /window aggregate/.test(l)), lines.join("\n"));
});
