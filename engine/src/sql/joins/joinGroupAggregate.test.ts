/**
 * Sluice's fusion of an inner join of append-only inputs and the GROUP BY over it (joinGroupAggregate.ts,
 * planJoinAggregate.ts): planned only where the GROUP BY holds the join key, the same table as the
 * separate operators compute it (here against a count made in the test; against Flink itself:
 * test/flink-sql/cases/joinGroupAggregate.ts, `sqlConformance.js q4`), and stopped with a savepoint at
 * random moments and restored, with mini-batch and without. SLUICE_CONFORMANCE_SEEDS=N runs N seeds.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Change } from "../changelog.js";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { ManualClock } from "../../testing/ManualClock.js";
import { SqlSession } from "../index.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-join-group-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 10_000;
const KEYS = 150;
const A = Array.from({ length: ROWS }, (_, i) => ({ k: i % KEYS, g: (i * 7) % 3, v: i % 101 }));
const B = Array.from({ length: ROWS }, (_, i) => ({ k: (i * 11) % KEYS, w: (i * 13) % 97 }));
writeFileSync(join(dir, "fa.csv"), A.map((r, i) => `${i},${r.k},${r.g},${r.v}`).join("\n") + "\n");
writeFileSync(join(dir, "fb.csv"), B.map((r, i) => `${i},${r.k},${r.w}`).join("\n") + "\n");
const DDL =
  `CREATE TABLE fa (id INT, k INT, g INT, v INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "fa.csv")}', 'format' = 'csv');\n` +
  `CREATE TABLE fb (id INT, k INT, w INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "fb.csv")}', 'format' = 'csv')`;
const MINI_BATCH = { "table.exec.mini-batch.enabled": "true", "table.exec.mini-batch.allow-latency": "2 s", "table.exec.mini-batch.size": "500" };

const FUSED = "SELECT a.k, a.g, MAX(b.w) AS m, COUNT(*) AS c, SUM(b.w) AS s, MIN(a.v) AS lo FROM fa a JOIN fb b ON a.k = b.k WHERE b.w < 80 AND a.v <> b.w GROUP BY a.k, a.g";

/** FUSED's table, counted here. */
function expectedFused(): string[] {
  const groups = new Map<string, { k: number; g: number; m: number; c: number; s: number; lo: number }>();
  for (const a of A)
    for (const b of B) {
      if (a.k !== b.k || b.w >= 80 || a.v === b.w) continue;
      const key = `${a.k}/${a.g}`;
      const t = groups.get(key) ?? { k: a.k, g: a.g, m: -1, c: 0, s: 0, lo: Number.POSITIVE_INFINITY };
      groups.set(key, { k: a.k, g: a.g, m: Math.max(t.m, b.w), c: t.c + 1, s: t.s + b.w, lo: Math.min(t.lo, a.v) });
    }
  return [...groups.values()].map((t) => JSON.stringify([t.k, t.g, t.m, t.c, t.s, t.lo])).sort();
}

async function explain(sql: string): Promise<string> {
  const s = new SqlSession();
  await s.execute(DDL);
  const last = (await s.execute(`EXPLAIN ${sql}`)).at(-1);
  return last?.kind === "message" ? last.text : assert.fail("no plan");
}

test("a GROUP BY holding the join key runs inside the join (EXPLAIN says it is Sluice's); one without the key, or with DISTINCT, stays Join → GroupAggregate", async () => {
  const fused = await explain(FUSED);
  assert.match(fused, /JoinGroupAggregate\(fused=\[Sluice's Join \+ GroupAggregate\], joinType=\[InnerJoin\], keys=\[a\.k = b\.k\], groupBy=\[k, g\]\)/, fused);
  assert.doesNotMatch(fused, /\] (Join|GroupAggregate)\(/, fused);
  // The key from the other side's column, and nexmark q4's shape: fused too.
  assert.match(await explain("SELECT b.k, COUNT(*) AS c FROM fa a JOIN fb b ON a.k = b.k GROUP BY b.k"), /JoinGroupAggregate\(/);
  for (const unfused of [
    "SELECT a.g, COUNT(*) AS c FROM fa a JOIN fb b ON a.k = b.k GROUP BY a.g",
    "SELECT a.k, COUNT(DISTINCT b.w) AS c FROM fa a JOIN fb b ON a.k = b.k GROUP BY a.k",
    "SELECT a.k, COUNT(*) AS c FROM fa a LEFT JOIN fb b ON a.k = b.k GROUP BY a.k",
  ]) {
    const plan = await explain(unfused);
    assert.doesNotMatch(plan, /JoinGroupAggregate/, plan);
    assert.match(plan, /\] Join\(joinType=\[\w+\]/, plan);
    assert.match(plan, /\] GroupAggregate\(groupBy=/, plan);
  }
});

for (const [mode, options] of [
  ["without mini-batch", {}],
  ["in mini-batches", MINI_BATCH],
] as const) {
  test(`the fused join and GROUP BY ${mode}: the table counted here, and stopped with a savepoint at a random moment and restored, the uninterrupted one`, { timeout: 180_000 }, async () => {
    const s = new SqlSession();
    await s.execute(DDL);
    const rows = await checkRandomCutRestore(s.catalog, FUSED, dir, { seeds: 2, name: `fused join + GROUP BY ${mode}`, sourceRows: ROWS, options });
    const got = rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(got, expectedFused());
  });
}

test("nexmark q4's shape (AVG per category of the fused MAX per key) in mini-batches, stopped with a savepoint at a random moment and restored", { timeout: 180_000 }, async () => {
  const s = new SqlSession();
  await s.execute(DDL);
  const q4 = "SELECT Q.g, AVG(Q.m) AS a, COUNT(*) AS n FROM (SELECT MAX(b.id) AS m, a.g FROM fa a, fb b WHERE a.k = b.k AND b.w BETWEEN a.v - 20 AND a.v GROUP BY a.k, a.g) Q GROUP BY Q.g";
  const rows = await checkRandomCutRestore(s.catalog, q4, dir, { seeds: 2, name: "q4 shape", sourceRows: ROWS, options: MINI_BATCH });
  const max = new Map<string, number>();
  // MAX of the bid's id, not its w: the later rows keep raising it, so the run after the savepoint has changes to emit.
  for (const a of A) B.forEach((b, id) => b.k === a.k && b.w >= a.v - 20 && b.w <= a.v && max.set(`${a.k}/${a.g}`, Math.max(max.get(`${a.k}/${a.g}`) ?? -1, id)));
  const byG = new Map<number, number[]>();
  for (const [key, m] of max) {
    const g = Number(key.split("/")[1]);
    byG.set(g, [...(byG.get(g) ?? []), m]);
  }
  // AVG of INT is INT in Flink (truncated).
  const expected = [...byG].map(([g, ms]) => JSON.stringify([g, Math.trunc(ms.reduce((x, y) => x + y, 0) / ms.length), ms.length])).sort();
  assert.deepEqual(rows.map((r) => JSON.stringify(r)).sort(), expected);
});

test("in mini-batches a watermark does not end the fused operator's batch, as Flink's proctime mini-batch after a regular join sees none: one change per group", async () => {
  // A rowtime (a second per row) and a watermark on both sides: the sources send watermarks between their batches of rows.
  const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace("T", " ").replace("Z", "");
  writeFileSync(join(dir, "ta.csv"), A.map((r, i) => `${r.k},${r.g},${r.v},${at(i)}`).join("\n") + "\n");
  writeFileSync(join(dir, "tb.csv"), B.map((r, i) => `${r.k},${r.w},${at(i)}`).join("\n") + "\n");
  const timed = (name: string, columns: string) =>
    `CREATE TABLE ${name} (${columns}, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${join(dir, `${name}.csv`)}', 'format' = 'csv');\n`;
  const script =
    timed("ta", "k INT, g INT, v INT") +
    timed("tb", "k INT, w INT") +
    "SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.allow-latency' = '1 h';\nSET 'table.exec.mini-batch.size' = '100000000';\n" +
    FUSED.replace("FROM fa a JOIN fb b", "FROM ta a JOIN tb b");
  const last = (await new SqlSession({ createEnvironment: () => StreamEnvironment.create({ batchSize: 100 }) }).execute(script)).at(-1);
  const changes = last?.kind === "table" ? (last.changelog as Change[]) : assert.fail("no table");
  // One batch, ended by the end of input: a +I per group and nothing else (a batch per watermark retracted most groups' earlier rows).
  assert.deepEqual(
    changes.filter((c) => c.kind !== "+I").map((c) => c.kind),
    [],
  );
  assert.deepEqual(changes.map((c) => JSON.stringify(c.row)).sort(), expectedFused());
});

test("a live job's fused batch ends at allow-latency by the clock, not at the watermarks its sources send", async () => {
  const clock = new ManualClock(0);
  // 10 rows a second by the clock on each side, every k = 1, event time and a watermark on both.
  const side = (name: string, v: string) =>
    `CREATE TABLE ${name} (k INT, ${v} INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'rows-per-second' = '10', 'fields.k.min' = '1', 'fields.k.max' = '1');\n`;
  const session = new SqlSession({ createEnvironment: () => StreamEnvironment.create({ clock }) });
  const results = await session.execute(
    `${side("da", "v")}${side("db", "w")}SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.allow-latency' = '1 s';\nSET 'table.exec.mini-batch.size' = '1000000';\n` +
      "SELECT a.k, COUNT(*) AS c FROM da a JOIN db b ON a.k = b.k GROUP BY a.k",
  );
  const last = results.at(-1);
  const run = last?.kind === "job" ? last : assert.fail("no job");
  await run.job.whenIdle();
  assert.deepEqual(run.rows, [], "the batch opened at 0 s is due at 1 s: no watermark ends it before");
  clock.advance(500);
  await run.job.whenIdle();
  assert.deepEqual(run.rows, []);
  clock.advance(500);
  await run.job.whenIdle();
  assert.equal(run.rows.length, 1, "at 1 s the batch ends: its group's row");
  await run.job.cancel();
});

test("the fused batch's size counts joined rows per record batch: a record batch whose pairs pass the size ends the batch once, after it", async () => {
  writeFileSync(join(dir, "sa.csv"), "1,1,5\n");
  writeFileSync(join(dir, "sb.csv"), "1,10\n1,20\n1,30\n");
  const script =
    `CREATE TABLE sa (k INT, g INT, v INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "sa.csv")}', 'format' = 'csv');\n` +
    `CREATE TABLE sb (k INT, w INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "sb.csv")}', 'format' = 'csv');\n` +
    "SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.allow-latency' = '1 h';\nSET 'table.exec.mini-batch.size' = '2';\n" +
    "SELECT a.k, a.g, MAX(b.w) AS m, COUNT(*) AS c FROM sa a JOIN sb b ON a.k = b.k GROUP BY a.k, a.g";
  const last = (await new SqlSession({ createEnvironment: () => StreamEnvironment.create({ batchSize: 100 }) }).execute(script)).at(-1);
  const changes = last?.kind === "table" ? (last.changelog as Change[]) : assert.fail("no table");
  // The three pairs come in one record batch (of the bids or of the auction): one change, not a +I after two pairs and a -U/+U for the third.
  assert.deepEqual(
    changes.map((c) => `${c.kind}${JSON.stringify(c.row)}`),
    ["+I[1,1,30,3]"],
  );
});

test("a join key with several groups of one side's columns: each pair goes to its own group, whichever side's row comes second", async () => {
  // k = i % 2 and g = i % 3: every join key has three groups, and each row pairs with rows of all of them.
  const rows = Array.from({ length: 60 }, (_, i) => [i % 2, i % 3, i]);
  writeFileSync(join(dir, "kg.csv"), rows.map((r) => r.join(",")).join("\n") + "\n");
  const expected: string[] = [];
  for (const k of [0, 1])
    for (const g of [0, 1, 2]) {
      const grouped = rows.filter((r) => r[0] === k && r[1] === g).length;
      const other = rows.filter((r) => r[0] === k);
      expected.push(JSON.stringify([k, g, grouped * other.length, Math.max(...other.map((r) => r[2] as number))]));
    }
  // Grouped by the left side's columns, then by the right side's (a left row's pairs then go to several groups).
  for (const [g, m] of [
    ["a", "b"],
    ["b", "a"],
  ]) {
    const script =
      `CREATE TABLE kg (k INT, g INT, w INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "kg.csv")}', 'format' = 'csv');\n` +
      `SELECT ${g}.k, ${g}.g, COUNT(*) AS c, MAX(${m}.w) AS m FROM kg a JOIN kg b ON a.k = b.k GROUP BY ${g}.k, ${g}.g`;
    const last = (await new SqlSession({ createEnvironment: () => StreamEnvironment.create({ batchSize: 5 }) }).execute(script)).at(-1);
    const table = last?.kind === "table" ? last.rows : assert.fail("no table");
    assert.deepEqual(table.map((r) => JSON.stringify(r)).sort(), expected.sort(), `grouped by ${g}`);
  }
});
