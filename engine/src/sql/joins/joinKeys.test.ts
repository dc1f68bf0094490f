/**
 * Every join's state key is joinKeyOf (joinKey.ts), not JSON: the interval, window and temporal joins
 * are keyed as the regular join is — one equality key's value as it is (the engine hashes a primitive
 * as it is), several as one self-delimiting string, a NULL in any of them `null` (it joins nothing).
 * Read off the planned graph's hash edges into each join. Their results against Flink are
 * test/flink-sql/cases/temporalJoins.ts and joins.ts; restore at random moments, windowJoin.test.ts,
 * temporalJoin.test.ts and test/flink-sql.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { parseScript, SqlSession } from "../index.js";
import { Planner } from "../planner.js";

const DDL = `CREATE TABLE l (id BIGINT, s STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE r (id BIGINT, s STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'datagen', 'number-of-rows' = '1')`;

const tumble = (t: string, cols: string) => `(SELECT ${cols}, window_start, window_end FROM TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY ${cols}, window_start, window_end)`;

const JOINS: [operator: string, oneKey: string, twoKeys: string][] = [
  [
    "IntervalJoin",
    "SELECT * FROM l JOIN r ON l.id = r.id AND l.ts BETWEEN r.ts - INTERVAL '1' SECOND AND r.ts",
    "SELECT * FROM l LEFT JOIN r ON l.id = r.id AND l.s = r.s AND l.ts BETWEEN r.ts AND r.ts",
  ],
  [
    "WindowJoin",
    `SELECT * FROM ${tumble("l", "id")} a LEFT JOIN ${tumble("r", "id")} b ON a.id = b.id AND a.window_start = b.window_start AND a.window_end = b.window_end`,
    `SELECT * FROM ${tumble("l", "id, s")} a FULL JOIN ${tumble("r", "id, s")} b ON a.id = b.id AND a.s = b.s AND a.window_start = b.window_start AND a.window_end = b.window_end`,
  ],
  // The inner join of window aggregates without aggregate functions (nexmark q8's shape, windowGroupJoin.ts): its keys are of the aggregates' input rows.
  [
    "WindowGroupJoin",
    `SELECT * FROM ${tumble("l", "id")} a JOIN ${tumble("r", "id")} b ON a.id = b.id AND a.window_start = b.window_start AND a.window_end = b.window_end`,
    `SELECT * FROM ${tumble("l", "id, s")} a JOIN ${tumble("r", "id, s")} b ON a.id = b.id AND a.s = b.s AND a.window_start = b.window_start AND a.window_end = b.window_end`,
  ],
  ["TemporalJoin", "SELECT * FROM l JOIN r FOR SYSTEM_TIME AS OF l.ts ON l.id = r.id", "SELECT * FROM l LEFT JOIN r FOR SYSTEM_TIME AS OF l.ts ON l.id = r.id AND l.s = r.s"],
];

/** The key selectors of the hash edges into the operator named `operator`, as planned for `sql`. */
async function joinKeySelectors(sql: string, operator: string): Promise<((value: unknown) => unknown)[]> {
  const session = new SqlSession();
  await session.execute(DDL);
  const [parsed] = parseScript(sql);
  const query = parsed?.statement.kind === "query" ? parsed.statement.query : assert.fail("not a query");
  const env = StreamEnvironment.create();
  new Planner(env, session.catalog).plan(query);
  const node = env.graph.all().find((n) => n.name.startsWith(operator));
  assert.ok(node, `no ${operator} in the plan of ${sql}`);
  return node.inputs.map((e) => (e.partitioning.kind === "hash" ? e.partitioning.keySelector : assert.fail(`${operator}: an input not hashed`)));
}

// A row whose every column is `v`, wide enough for either side (a temporal join's inputs are changelogs).
const rowOf = (v: unknown[], operator: string): unknown => {
  const row = Array.from({ length: 12 }, (_, i) => v[i % v.length]);
  return operator === "TemporalJoin" ? { kind: "+I", row } : row;
};

for (const [operator, oneKey, twoKeys] of JOINS) {
  test(`${operator}: keyed by joinKeyOf (one key as its value, several as one string, NULL as null), not by JSON`, async () => {
    const one = await joinKeySelectors(oneKey, operator);
    assert.equal(one.length, 2);
    for (const key of one) {
      assert.equal(key(rowOf([7], operator)), 7, "one BIGINT key is its number");
      assert.equal(key(rowOf([null], operator)), null, "a NULL key joins nothing");
    }
    const two = await joinKeySelectors(twoKeys, operator);
    // Both sides put equal values on one key; other values on others; any NULL on null.
    const [left, right] = two as [(v: unknown) => unknown, (v: unknown) => unknown];
    const a = rowOf([7, "x"], operator);
    const k = left(a);
    assert.equal(typeof k, "string");
    assert.ok(!(k as string).startsWith("["), `not JSON: ${String(k)}`);
    assert.equal(right(a), k);
    assert.notEqual(left(rowOf([7, "y"], operator)), k);
    assert.equal(left(rowOf([7, null], operator)), null);
  });
}
