/**
 * Updating GROUP BY (Flink's GroupAggFunction): the exact changelog of a small input, the live
 * table never drawn between a -U and its +U, and stop-with-savepoint → restore of an updating SQL
 * aggregate at random moments (five by default; SLUICE_CONFORMANCE_SEEDS=N for N). Conformance with
 * Flink itself is test/flink-sql (cases group_*).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ChangelogTableView } from "./views/changelogView.js";
import { SqlSession } from "./index.js";
import { checkRandomCutRestore } from "./restore/randomCutRestore.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-group-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("GROUP BY emits +I for a new group, -U/+U when its aggregates change, nothing when they do not; HAVING turns crossings into -D/+I", async () => {
  const csv = join(dir, "small.csv");
  writeFileSync(csv, "a,5\nb,1\na,3\na,9\nb,20\nb,2\n");
  const session = new SqlSession();
  const [, result] = await session.execute(
    `CREATE TABLE t (k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');\n` + "SELECT k, MAX(v) AS hi FROM t GROUP BY k HAVING MAX(v) < 10",
  );
  assert.equal(result?.kind, "table");
  if (result?.kind !== "table") return;
  assert.deepEqual(
    result.changelog?.map((c) => `${c.kind}${JSON.stringify(c.row)}`),
    ['+I["a",5]', '+I["b",1]', '-U["a",5]', '+U["a",9]', '-D["b",1]'],
  );
  assert.deepEqual(result.rows, [["a", 9]]);
  // AVG of an INT is an INT, truncated, as in Flink.
  const [global] = await session.execute("SELECT COUNT(*) AS c, AVG(v) AS a FROM t");
  assert.deepEqual(global?.kind === "table" && global.changelog?.map((c) => `${c.kind}${JSON.stringify(c.row)}`), [
    "+I[1,5]",
    "-U[1,5]",
    "+U[2,3]",
    "-U[2,3]",
    "+U[3,3]",
    "-U[3,3]",
    "+U[4,4]",
    "-U[4,4]",
    "+U[5,7]",
    "-U[5,7]",
    "+U[6,6]",
  ]);
});

test("the live changelog table keeps a row shown between its -U and its +U, even across write batches", () => {
  const view = new ChangelogTableView(
    [
      { name: "k", type: { name: "STRING" } },
      { name: "c", type: { name: "BIGINT" } },
    ],
    [0],
  );
  const writer = view.createWriter();
  const rows = () => view.rows.map((r) => r.join(":"));
  void writer.write(
    [
      { kind: "+I", row: ["a", 1] },
      { kind: "+I", row: ["b", 1] },
      { kind: "-U", row: ["a", 1] },
    ],
    [Number.NaN, Number.NaN, Number.NaN],
  );
  assert.deepEqual(rows(), ["a:1", "b:1"]);
  assert.match(view.bundle()["text/plain"] as string, /^k\tc\na\t1\nb\t1\n2 rows/);
  void writer.write(
    [
      { kind: "+U", row: ["a", 2] },
      { kind: "-D", row: ["b", 1] },
    ],
    [Number.NaN, Number.NaN],
  );
  assert.deepEqual(rows(), ["a:2"]);
  // A filter over an updating result may drop a +U: its -U then removes the row once a batch ends with something else.
  void writer.write([{ kind: "-U", row: ["a", 2] }], [Number.NaN]);
  assert.deepEqual(rows(), ["a:2"]);
  void writer.write([{ kind: "+I", row: ["c", 1] }], [Number.NaN]);
  assert.deepEqual(rows(), ["c:1"]);
  // Checkpointed with the job: a restart replays the changes after the checkpoint onto the table as it was then.
  const saved = JSON.parse(JSON.stringify(writer.snapshotState?.()));
  void writer.write(
    [
      { kind: "-U", row: ["c", 1] },
      { kind: "+U", row: ["c", 2] },
    ],
    [Number.NaN, Number.NaN],
  );
  const restarted = view.createWriter();
  restarted.restoreState?.(saved);
  assert.deepEqual(rows(), ["c:1"]);
});

const RESTORED_QUERIES = [
  // Two group keys, one an expression: the group's state key is one encoded string of both.
  "SELECT k, id % 2 AS p, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS lo, MAX(id) AS hi, AVG(v) AS a FROM big GROUP BY k, id % 2",
  // Over an updating input: retractions, and MIN/MAX multisets in MapState.
  "SELECT c, COUNT(*) AS n, MIN(s) AS lo, MAX(s) AS hi FROM (SELECT k, COUNT(*) AS c, SUM(v) AS s FROM big GROUP BY k) GROUP BY c",
  // DISTINCT aggregates over an updating input: the per-value counts in MapState.
  "SELECT c, COUNT(DISTINCT k) AS names, SUM(DISTINCT s % 7) AS s7 FROM (SELECT k, COUNT(*) AS c, SUM(v) AS s FROM big GROUP BY k) GROUP BY c",
];

test("an updating SQL aggregate stopped with a savepoint at a random moment and restored gives the uninterrupted changelog", async () => {
  const ROWS = 30_000;
  const csv = join(dir, "big.csv");
  writeFileSync(csv, Array.from({ length: ROWS }, (_, i) => `${i},k${(i * 7919) % 61},${(i * 31) % 1000}`).join("\n") + "\n");
  const session = new SqlSession();
  await session.execute(`CREATE TABLE big (id INT, k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`);
  for (const [q, sql] of RESTORED_QUERIES.entries()) {
    const table = await checkRandomCutRestore(session.catalog, sql, dir, { seeds: 5, name: `group-agg query ${q}`, inOrder: true });
    if (q === 0) assert.equal(table.length, 122);
  }
});

test("GROUP BY two integral columns keys a group by one number where both fit (a * 2^20 + b) and by a string elsewhere: no two groups share a key", async () => {
  const csv = join(dir, "pairs.csv");
  // (1, 2^20) is past the number's range for b: as a number it would be 2 * 2^20, the key of (2, 0).
  // (0, -1) and (-1, 2^20 - 1) would be -1 both, were b's sign not checked.
  writeFileSync(csv, "1,1048576,10\n2,0,20\n1,1048576,30\n0,-1,1\n-1,1048575,2\n2147483648,0,5\n2147483647,1048575,6\n2,0,40\n");
  const session = new SqlSession();
  const [, result] = await session.execute(
    `CREATE TABLE t (a BIGINT, b BIGINT, v INT) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');\nSELECT a, b, SUM(v) AS s FROM t GROUP BY a, b`,
  );
  assert.ok(result?.kind === "table");
  assert.deepEqual(
    [...result.rows].map((r) => JSON.stringify(r)).sort(),
    [
      [-1, 1048575, 2],
      [0, -1, 1],
      [1, 1048576, 40],
      [2, 0, 60],
      [2147483647, 1048575, 6],
      [2147483648, 0, 5],
    ]
      .map((r) => JSON.stringify(r))
      .sort(),
  );
});
