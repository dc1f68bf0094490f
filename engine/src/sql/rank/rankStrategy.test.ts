/**
 * Which Top-N strategy the planner takes, named as Flink's EXPLAIN names it: AppendFastStrategy over
 * an append-only input (FastTop1 included), over an updating one UpdateFastStrategy[unique key]
 * (UpdatableTopN) where Flink 1.20.1's RankProcessStrategy would take it, RetractStrategy elsewhere.
 * Changelogs of both against Flink itself: test/flink-sql (cases/updatingTopN.ts); the names against
 * Flink's own EXPLAIN: test/integration/rankExplain.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { SqlSession } from "../index.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";
import { assignPlanUids } from "../restore/planUids.js";

const COUNTS = "(SELECT name, COUNT(*) AS c FROM t GROUP BY name)";
const top = (input: string, over: string, where = "") => `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (${over}) AS rn FROM ${input}${where}) WHERE rn <= 3`;

const STRATEGIES: [string, string][] = [
  // An append-only input: the rank shown or not, a range after 1, Top-1 (Flink's FastTop1Function), ORDER BY … LIMIT.
  [top("t", "PARTITION BY name ORDER BY v DESC"), "AppendFastStrategy"],
  ["SELECT id, name FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY v DESC) AS rn FROM t) WHERE rn = 1", "AppendFastStrategy"],
  ["SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY v DESC) AS rn FROM t) WHERE rn > 1 AND rn <= 3", "AppendFastStrategy"],
  ["SELECT id, v FROM t ORDER BY v DESC LIMIT 2", "AppendFastStrategy"],
  [top(COUNTS, "ORDER BY c DESC"), "UpdateFastStrategy[0]"],
  // A group key is constant: it may follow as a tie-breaker, or partition.
  [top(COUNTS, "ORDER BY c DESC, name"), "UpdateFastStrategy[0]"],
  [top("(SELECT id, name, COUNT(*) AS c FROM t GROUP BY id, name)", "PARTITION BY id ORDER BY c DESC"), "UpdateFastStrategy[0,1]"],
  ["SELECT name, COUNT(*) AS c FROM t GROUP BY name ORDER BY c DESC LIMIT 2", "UpdateFastStrategy[0]"],
  [top("(SELECT name, MAX(v) AS m FROM t GROUP BY name)", "ORDER BY m DESC"), "UpdateFastStrategy[0]"],
  [top("(SELECT name, MIN(v) AS m FROM t GROUP BY name)", "ORDER BY m ASC"), "UpdateFastStrategy[0]"],
  [top("(SELECT name, SUM(v) AS s FROM t WHERE v >= 0 GROUP BY name)", "ORDER BY s DESC"), "UpdateFastStrategy[0]"],
  // A filter on key columns alone passes update-afters on as they are.
  [top("(SELECT name, COUNT(*) AS c FROM t GROUP BY name HAVING name <> 'x')", "ORDER BY c DESC"), "UpdateFastStrategy[0]"],
  [top(COUNTS, "ORDER BY c DESC", " WHERE UPPER(name) <> 'X'"), "UpdateFastStrategy[0]"],
  // The count moves away from the front ascending; a SUM of values that may be negative goes either way.
  [top(COUNTS, "ORDER BY c ASC"), "RetractStrategy"],
  [top("(SELECT name, SUM(v) AS s FROM t GROUP BY name)", "ORDER BY s DESC"), "RetractStrategy"],
  [top("(SELECT name, SUM(v) AS s FROM t WHERE v > -1 GROUP BY name)", "ORDER BY s DESC"), "RetractStrategy"],
  // The partition column is not in the unique key (a row moves between partitions).
  [top(COUNTS, "PARTITION BY c ORDER BY name"), "RetractStrategy"],
  // A HAVING or WHERE on another column may turn an update into a deletion: Flink's Calc then asks for -U (FLINK-9528), even for `c > 1`.
  [top("(SELECT name, COUNT(*) AS c FROM t GROUP BY name HAVING COUNT(*) > 1)", "ORDER BY c DESC"), "RetractStrategy"],
  [top(COUNTS, "ORDER BY c DESC", " WHERE c > 2"), "RetractStrategy"],
  [top(`(SELECT name, c FROM ${COUNTS} WHERE c < 5)`, "ORDER BY c DESC"), "RetractStrategy"],
  // A computed column, or an aggregate over an updating input, is not known to be monotonic.
  [top(`(SELECT name, c * 2 AS c2 FROM ${COUNTS})`, "ORDER BY c2 DESC"), "RetractStrategy"],
  [top(`(SELECT c, COUNT(*) AS n FROM ${COUNTS} GROUP BY c)`, "ORDER BY n DESC"), "RetractStrategy"],
];

test("Top-N takes AppendFastStrategy over an append-only input and, over an updating one, UpdateFastStrategy where Flink does, RetractStrategy elsewhere", async () => {
  const session = new SqlSession();
  await session.execute("CREATE TABLE t (id INT, name STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
  for (const [sql, strategy] of STRATEGIES) {
    const [parsed] = parseScript(sql);
    const query = parsed?.statement.kind === "query" ? parsed.statement.query : assert.fail("not a query");
    const env = StreamEnvironment.create();
    new Planner(env, session.catalog).plan(query);
    const ranks = env.graph
      .all()
      .map((n) => n.name)
      .filter((n) => n.startsWith("Rank("));
    assert.deepEqual(
      ranks.map((n) => /strategy=\[(.*?)\], rankType/.exec(n)?.[1]),
      [strategy],
      sql,
    );
  }
});

test("a Top-N operator keeps the uid of its name before it took Flink's EXPLAIN form, so older savepoints restore", async () => {
  const session = new SqlSession();
  await session.execute("CREATE TABLE t (id INT, name STRING, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
  const uids: string[] = [];
  for (const sql of [
    "SELECT id, name FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY v DESC) AS rn FROM t) WHERE rn = 1",
    top("t", "PARTITION BY name ORDER BY v DESC"),
    top(COUNTS, "ORDER BY c DESC"),
    top(COUNTS, "ORDER BY c ASC"),
  ]) {
    const [parsed] = parseScript(sql);
    const query = parsed?.statement.kind === "query" ? parsed.statement.query : assert.fail("not a query");
    const env = StreamEnvironment.create();
    new Planner(env, session.catalog).plan(query);
    assignPlanUids(env.graph);
    uids.push(...env.graph.all().flatMap((n) => (n.name.startsWith("Rank(") ? [n.uid ?? ""] : [])));
  }
  // The uids a8cca06's build (before these names) gave the same queries.
  assert.deepEqual(uids, [
    "sql-fasttop1-0a9e62922646",
    "sql-rank-ranktype-row-number-rankran-589fb902ebf8",
    "sql-rank-strategy-updatefaststrategy-20b530bba540",
    "sql-rank-strategy-retractstrategy-ra-66fb7c7c459c",
  ]);
});
