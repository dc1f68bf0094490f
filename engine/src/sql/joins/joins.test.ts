/**
 * SQL joins: the parse of JOIN shapes, errors at their token, an outer interval join feeding a
 * window (rowtimes and the held-back watermark), a regular outer join's exact changelog, and
 * stop-with-savepoint → restore of an interval join at random moments (five by default;
 * SLUICE_CONFORMANCE_SEEDS=N for N). Conformance with Flink itself is test/flink-sql/cases/joins.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { FromItem } from "../ast.js";
import type { Change } from "../changelog.js";
import { StreamSqlError } from "../errors.js";
import { SqlSession } from "../index.js";
import { parseScript } from "../parser.js";
import { regularJoinFunction } from "./regularJoin.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";
import { mapBackedStates } from "../../testing/mapBackedState.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-joins-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const fromOf = (sql: string): { from: FromItem; where: unknown } => {
  const [parsed] = parseScript(sql);
  const q = parsed?.statement.kind === "query" ? parsed.statement.query : assert.fail("not a query");
  return q.kind === "select" ? { from: q.from, where: q.where } : assert.fail("not a select");
};

test("JOIN shapes parse left-deep with their types; a comma join takes the WHERE as its condition", () => {
  const { from } = fromOf("SELECT * FROM a AS x LEFT OUTER JOIN b y ON x.k = y.k RIGHT JOIN c ON c.k = x.k FULL JOIN d ON TRUE INNER JOIN e ON TRUE JOIN f ON TRUE");
  const types: string[] = [];
  let item = from;
  while (item.kind === "join") {
    types.unshift(item.joinType);
    item = item.left;
  }
  assert.deepEqual(types, ["left", "right", "full", "inner", "inner"]);
  assert.deepEqual(item.kind === "table" && [item.name, item.alias], ["a", "x"]);
  const comma = fromOf("SELECT * FROM a, b WHERE a.k = b.k AND a.v > 1");
  assert.equal(comma.where, undefined);
  assert.ok(comma.from.kind === "join" && comma.from.comma && comma.from.on?.kind === "binary" && comma.from.on.op === "AND");
});

test("unsupported join shapes fail at their token", () => {
  const at = (sql: string): string => {
    try {
      parseScript(sql);
    } catch (e) {
      assert.ok(e instanceof StreamSqlError);
      return `${e.token}@${e.position?.line}:${e.position?.column}`;
    }
    return "parsed";
  };
  assert.equal(at("SELECT * FROM a\nCROSS JOIN b"), "CROSS@2:1");
  assert.equal(at("SELECT * FROM a NATURAL JOIN b"), "NATURAL@1:17");
  assert.equal(at("SELECT * FROM a JOIN b USING (k)"), "USING@1:24");
  assert.equal(at("SELECT * FROM a JOIN b WHERE a.k = b.k"), "WHERE@1:24");
  assert.equal(at("SELECT * FROM o JOIN (SELECT * FROM r) FOR SYSTEM_TIME AS OF o.ts ON o.k = r.k"), "FOR@1:40");
});

test("an outer interval join's padded rows keep their rowtime and are not late for a window downstream", async () => {
  const rows = 600;
  const orders = join(dir, "orders.csv");
  // One order a second; shipments (every third order, 10 s later) pad nothing for the rest.
  writeFileSync(orders, Array.from({ length: rows }, (_, i) => `${i},${new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().slice(0, 19).replace("T", " ")}`).join("\n") + "\n");
  const ships = join(dir, "ships.csv");
  writeFileSync(ships, Array.from({ length: rows / 3 }, (_, j) => `${j * 3},${new Date(Date.UTC(2024, 0, 1) + j * 3000 + 10_000).toISOString().slice(0, 19).replace("T", " ")}`).join("\n") + "\n");
  const session = new SqlSession();
  const results = await session.execute(
    [
      `CREATE TABLE o (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${orders}', 'format' = 'csv')`,
      `CREATE TABLE s (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${ships}', 'format' = 'csv')`,
      "CREATE VIEW j AS SELECT o.id, o.ts, s.id AS sid FROM o LEFT JOIN s ON o.id = s.id AND o.ts BETWEEN s.ts - INTERVAL '30' SECOND AND s.ts",
      "SELECT window_start, COUNT(*) AS c, COUNT(sid) AS shipped FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end",
    ].join(";\n"),
  );
  const last = results[results.length - 1];
  assert.ok(last?.kind === "table");
  assert.equal(last.rows.length, rows / 60);
  for (const r of last.rows) assert.deepEqual([r[1], r[2]], [60, 20], `window ${String(r[0])}`);
});

test("a regular LEFT JOIN retracts a NULL-padded row (-D) when its first match arrives and pads it again (+I) when the last goes, as Flink's StreamingJoinOperator", () => {
  // The function alone, fed in a fixed order (two sources would race); its state in a map-backed fake.
  const { maps, getMapState: mapState } = mapBackedStates();
  const fn = regularJoinFunction({ joinType: "left", leftWidth: 2, rightWidth: 2, matches: undefined });
  const rc = { jobName: "t", operatorName: "join", subtask: 0, parallelism: 1, getMapState: mapState, getState: () => assert.fail(), getListState: () => assert.fail() };
  void fn.open?.(rc as never);
  const log: string[] = [];
  const out = { collect: (c: Change) => void log.push(`${c.kind}${JSON.stringify(c.row)}`) };
  // Every row here has the join key "a" (the operator keys by it).
  const ctx = { getCurrentKey: () => "a" } as never;
  fn.processElement1({ kind: "+I", row: [1, "a"] }, ctx, out);
  fn.processElement2({ kind: "+I", row: ["a", "x"] }, ctx, out);
  fn.processElement2({ kind: "+I", row: ["a", "y"] }, ctx, out);
  fn.processElement2({ kind: "-U", row: ["a", "x"] }, ctx, out);
  fn.processElement2({ kind: "-D", row: ["a", "y"] }, ctx, out);
  fn.processElement1({ kind: "-D", row: [1, "a"] }, ctx, out);
  assert.deepEqual(log, [
    '+I[1,"a",null,null]',
    '-D[1,"a",null,null]',
    '+I[1,"a","a","x"]',
    '+I[1,"a","a","y"]',
    '-U[1,"a","a","x"]',
    '-D[1,"a","a","y"]',
    '+I[1,"a",null,null]',
    '-D[1,"a",null,null]',
  ]);
  assert.equal(maps.get("left-records")?.size, 0);
  assert.equal(maps.get("right-records")?.size, 0);
});

test("an interval join stopped with a savepoint at a random moment and restored gives the uninterrupted result", { timeout: 120_000 }, async () => {
  const ROWS = 20_000;
  const t0 = Date.UTC(2024, 0, 1);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace("T", " ");
  const orders = join(dir, "big-orders.csv");
  writeFileSync(orders, Array.from({ length: ROWS }, (_, i) => `${i},k${i % 97},${iso(t0 + i * 100)}`).join("\n") + "\n");
  const ships = join(dir, "big-ships.csv");
  // Shipments of two in three orders, 0.5 to 3 s later: some inside the 2 s bound, some not (padded).
  const shipped = Array.from({ length: ROWS }, (_, i) => i).filter((i) => i % 3 !== 0);
  writeFileSync(ships, shipped.map((i) => `${i},k${i % 97},${iso(t0 + i * 100 + 500 + (i % 6) * 500)}`).join("\n") + "\n");
  const session = new SqlSession();
  await session.execute(
    `CREATE TABLE bo (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${orders}', 'format' = 'csv');\n` +
      `CREATE TABLE bs (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '4' SECOND) WITH ('connector' = 'filesystem', 'path' = '${ships}', 'format' = 'csv')`,
  );
  const rows = await checkRandomCutRestore(
    session.catalog,
    "SELECT bo.id, bs.id, bo.ts FROM bo FULL JOIN bs ON bo.k = bs.k AND bo.id = bs.id AND bo.ts BETWEEN bs.ts - INTERVAL '2' SECOND AND bs.ts",
    dir,
    { seeds: 5, name: "interval join" },
  );
  // Inside the bound: i % 6 in 0..3 (0.5–2 s later); padded: the rest of the shipped, their orders, and every third order.
  const joined = shipped.filter((i) => i % 6 <= 3).length;
  assert.equal(rows.length, joined + 2 * (shipped.length - joined) + (ROWS - shipped.length));
});
