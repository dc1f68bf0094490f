/**
 * Mini-batch aggregation (`SET 'table.exec.mini-batch.enabled'`, Flink's MiniBatchGroupAggFunction):
 * one change per key per batch, the batch ended by size, and stop-with-savepoint → restore at random
 * moments with batches buffered (the barrier flushes them). Conformance with Flink itself, both sides
 * with mini-batch on: test/flink-sql (cases minibatch_*).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Change } from "../changelog.js";
import { StreamSqlError } from "../errors.js";
import { SqlSession } from "../index.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-minibatch-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const csv = join(dir, "small.csv");
writeFileSync(csv, "a,5\nb,1\na,3\na,9\nb,20\nb,2\nc,4\nc,-4\n");
const TABLE = `CREATE TABLE t (k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');\n`;
const miniBatch = (size: number) => `SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.allow-latency' = '1 h';\nSET 'table.exec.mini-batch.size' = '${size}';\n`;
const show = (changes: Change[] | undefined) => changes?.map((c) => `${c.kind}${JSON.stringify(c.row)}`);

async function changelog(script: string): Promise<{ changes: string[] | undefined; rows: unknown[] }> {
  const results = await new SqlSession().execute(script);
  const last = results.at(-1);
  assert.equal(last?.kind, "table");
  return last?.kind === "table" ? { changes: show(last.changelog), rows: last.rows } : { changes: undefined, rows: [] };
}

test("with mini-batch a key's rows fold into one change per batch: no -U/+U between rows of one batch, the same final table", async () => {
  const query = "SELECT k, MAX(v) AS hi, COUNT(*) AS n FROM t GROUP BY k HAVING SUM(v) <> 0";
  const plain = await changelog(`${TABLE}${query}`);
  assert.deepEqual(plain.changes?.slice(0, 3), ['+I["a",5,1]', '+I["b",1,1]', '-U["a",5,1]']);
  // One batch (size above the input's 8 rows, latency an hour): ended by the end of input, one +I per group;
  // c's rows sum to 0 (HAVING drops it) within the batch: never shown.
  const folded = await changelog(`${TABLE}${miniBatch(1000)}${query}`);
  assert.deepEqual(folded.changes, ['+I["a",9,3]', '+I["b",20,3]']);
  assert.deepEqual(folded.rows, plain.rows);
  // Size 1 ends a batch at every row: the changelog without mini-batch.
  assert.deepEqual((await changelog(`${TABLE}${miniBatch(1)}${query}`)).changes, plain.changes);
  // Size 3: batches of rows 1–3, 4–6 and 7–8, each key updated once per batch.
  assert.deepEqual((await changelog(`${TABLE}${miniBatch(3)}${query}`)).changes, ['+I["a",5,2]', '+I["b",1,1]', '-U["a",5,2]', '+U["a",9,3]', '-U["b",1,1]', '+U["b",20,3]']);
});

test("over an updating input, a batch's retractions and insertions of a key fold before anything is emitted", async () => {
  const query = "SELECT n, COUNT(*) AS keys FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k) GROUP BY n";
  const plain = await changelog(`${TABLE}${query}`);
  const folded = await changelog(`${TABLE}${miniBatch(1000)}${query}`);
  assert.deepEqual(folded.changes, ["+I[3,2]", "+I[2,1]"]);
  assert.deepEqual(folded.rows, plain.rows);
});

test("on worker threads (parallelism 2) the workers plan with the session's mini-batch SET too", async () => {
  const query = "SELECT k, MAX(v) AS hi, COUNT(*) AS n FROM t GROUP BY k";
  const plain = await changelog(`${TABLE}${query}`);
  const parallel = await changelog(`${TABLE}SET 'parallelism.default' = '2';\n${miniBatch(1000)}${query}`);
  assert.deepEqual(parallel.changes?.sort(), ['+I["a",9,3]', '+I["b",20,3]', '+I["c",4,2]']);
  assert.deepEqual(parallel.rows, plain.rows);
});

test("mini-batch needs a positive allow-latency and size, as Flink checks", async () => {
  await assert.rejects(
    new SqlSession().execute(`${TABLE}SET 'table.exec.mini-batch.enabled' = 'true';\nSELECT k, COUNT(*) FROM t GROUP BY k`),
    (e: unknown) => e instanceof StreamSqlError && /MiniBatch Latency must be greater than 0 ms/.test(e.message),
  );
  await assert.rejects(
    new SqlSession().execute(`${TABLE}SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.allow-latency' = '2s';\nSELECT k, COUNT(*) FROM t GROUP BY k`),
    (e: unknown) => e instanceof StreamSqlError && /'table.exec.mini-batch.size' must be > 0/.test(e.message),
  );
});

test("an aggregate with mini-batch stopped with a savepoint at a random moment and restored gives the uninterrupted table: the barrier flushes the batch", async () => {
  const ROWS = 30_000;
  const big = join(dir, "big.csv");
  writeFileSync(big, Array.from({ length: ROWS }, (_, i) => `${i},k${(i * 7919) % 61},${(i * 31) % 1000}`).join("\n") + "\n");
  const session = new SqlSession();
  await session.execute(`CREATE TABLE big (id INT, k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '${big}', 'format' = 'csv')`);
  // Batches far larger than the engine's record batches, ended by size (or the barrier) well before the input ends.
  const options = { "table.exec.mini-batch.enabled": "true", "table.exec.mini-batch.allow-latency": "1 h", "table.exec.mini-batch.size": "5000" };
  const queries = [
    "SELECT k, id % 2 AS p, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS lo, MAX(id) AS hi, AVG(v) AS a FROM big GROUP BY k, id % 2",
    // Over an updating input (both aggregates batched): retractions, and MIN/MAX multisets in MapState.
    "SELECT c, COUNT(*) AS n, MIN(s) AS lo, MAX(s) AS hi FROM (SELECT k, COUNT(*) AS c, SUM(v) AS s FROM big GROUP BY k) GROUP BY c",
  ];
  for (const [q, sql] of queries.entries()) {
    const rows = await checkRandomCutRestore(session.catalog, sql, dir, { seeds: 3, sourceRows: ROWS, name: `mini-batch restore ${q}`, options });
    assert.equal(rows.length, q === 0 ? 122 : 2);
  }
});
