/**
 * Nexmark q7's join (joins/planBoundedJoin.ts): a regular join bounding bids' rowtime by a window
 * aggregate's window_end frees the bids by the watermark, keeps the window side for good, and still
 * gives the regular join's rows (late bids included); WHERE conjuncts on both sides of an inner join
 * become its condition (Flink's FilterJoinRule); window_time makes it an interval join as in Flink; a
 * savepoint of the regular join's plan does not restore into it; stop-with-savepoint → restore at
 * random moments (two seeds; SLUICE_CONFORMANCE_SEEDS=N for N). Its results against Flink itself:
 * test/flink-sql/cases/planParity.ts, `node dist/bench/nexmark/sqlConformance.js --events 20000 q7`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Row } from "../connectors.js";
import { SqlSession } from "../index.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";
import { SqlRestoreError } from "../restore/sqlRestore.js";
import { mapBackedStates } from "../../testing/mapBackedState.js";
import { boundedJoinFunction, joinKeyBucket } from "./boundedJoin.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-bounded-join-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const maxPerWindow = (bound: string, group = "window_start, window_end") =>
  `SELECT MAX(price) AS maxprice, ${bound} AS dateTime FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY ${group}`;
const q7 = (bound = "window_end", group?: string) =>
  `SELECT B.auction, B.price, B.dateTime FROM bid B JOIN (${maxPerWindow(bound, group)}) B1 ON B.price = B1.maxprice WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime`;

function explainLines(text: string): string[] {
  return text.split("== Operator Graph ==")[1]?.trim().split("\n") ?? [];
}

async function explain(session: SqlSession, query: string): Promise<string[]> {
  const last = (await session.execute(`EXPLAIN ${query}`)).at(-1);
  assert.ok(last?.kind === "message");
  return explainLines(last.text);
}

test("q7's join: bids freed by the watermark past window_end's bound (EXPLAIN), the BETWEEN in WHERE taken into the join; window_time gives an interval join", async () => {
  const s = new SqlSession();
  await s.execute(`CREATE TABLE bid (auction INT, price INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '10')`);
  const bounded = await explain(s, q7());
  const joinLine = bounded.find((l) => /\] Join\(/.test(l));
  assert.match(joinLine ?? "", /Join\(joinType=\[InnerJoin\], keys=\[B\.price = B1\.maxprice\], leftStateRetention=\[watermark < dateTime \+ 10000 ms\]\)/, bounded.join("\n"));
  // The BETWEEN reads both sides: checked in the join, no WHERE after it.
  const after = bounded.slice(bounded.indexOf(joinLine as string) + 1);
  assert.ok(!after.some((l) => /\] WHERE/.test(l)), bounded.join("\n"));
  // window_time is a time attribute: an interval join, as Flink plans it.
  const interval = await explain(s, q7("window_time", "window_start, window_end, window_time"));
  assert.ok(
    interval.some((l) => /\] IntervalJoin\(joinType=\[InnerJoin\], keys=\[B\.price = B1\.maxprice\], leftLowerBound=-10000, leftUpperBound=0\)/.test(l)),
    interval.join("\n"),
  );
  // Not a window's end as it is (an expression over it): the regular join, keeping every bid.
  const plain = await explain(s, q7("window_end + INTERVAL '0' SECOND"));
  assert.ok(
    plain.some((l) => /\] Join\(joinType=\[InnerJoin\], keys=\[B\.price = B1\.maxprice\]\), /.test(l)),
    plain.join("\n"),
  );
});

/** The bounded join function, one key, state in maps, a hand-driven watermark. */
function harness() {
  const lists = new Map<string, Row[]>();
  const values = new Map<string, unknown>();
  const timers = new Set<number>();
  let watermark = Number.NEGATIVE_INFINITY;
  const getState = (name: string) => ({ value: () => values.get(name), update: (v: unknown) => void values.set(name, v), clear: () => void values.delete(name) });
  const getListState = (name: string) => ({
    get: () => lists.get(name) ?? [],
    add: (r: Row) => void lists.set(name, [...(lists.get(name) ?? []), r]),
    update: (rs: Row[]) => void lists.set(name, [...rs]),
    clear: () => void lists.delete(name),
  });
  // Left rows [id, t], right rows [windowEnd] (ms): t BETWEEN windowEnd - 10 s AND windowEnd.
  const { maps, getMapState } = mapBackedStates();
  const fn = boundedJoinFunction({
    timeSide: "left",
    time: 1,
    retention: 10_000,
    leftKey: () => 7,
    rightKey: () => 7,
    matches: (r) => (r[1] as number) >= (r[2] as number) - 10_000 && (r[1] as number) <= (r[2] as number),
  });
  void fn.open?.({ jobName: "t", operatorName: "join", subtask: 0, parallelism: 1, getMapState, getState, getListState } as never);
  const ctx = { timerService: { currentWatermark: () => watermark, registerEventTimeTimer: (t: number) => void timers.add(t), deleteEventTimeTimer: (t: number) => void timers.delete(t) } } as never;
  const out: Row[] = [];
  const collector = { collect: (r: Row) => void out.push(r) };
  return {
    out,
    timeRows: () => (lists.get("time-side-rows") ?? []).map((r) => r[1]),
    keptRows: () => [...((maps.get("kept-rows")?.get(7) as Row[] | undefined) ?? [])].map((r) => r[0]),
    left: (id: number, t: number) => fn.processElement1([id, t], ctx, collector),
    right: (end: number) => fn.processElement2([end], ctx, collector),
    advance(to: number) {
      watermark = to;
      for (const t of [...timers].sort((a, b) => a - b)) {
        if (t > to) break;
        timers.delete(t);
        fn.onTimer?.(t, ctx, collector);
      }
    },
  };
}

test("the bounded join keeps the window side for good and lets a bid go once the watermark reaches t + 10 s; a late bid still meets a window long fired", () => {
  const h = harness();
  h.left(1, 3000);
  h.left(2, 8000);
  h.advance(9999);
  h.right(10_000); // window [0, 10 s) fired: meets both
  assert.deepEqual(h.out, [
    [1, 3000, 10_000],
    [2, 8000, 10_000],
  ]);
  h.left(3, 15_000);
  // Past 13 s no later window end can meet bid 1 (3 s); the bucket's sweep runs every 5 s (half the retention).
  h.advance(14_999);
  assert.deepEqual(h.timeRows(), [3000, 8000, 15_000]);
  h.advance(15_000);
  assert.deepEqual(h.timeRows(), [8000, 15_000]);
  h.advance(25_000);
  assert.deepEqual(h.timeRows(), []);
  assert.deepEqual(h.keptRows(), [10_000]);
  // 20 s behind the watermark: an interval join would have dropped window 10 s; the regular join meets it.
  h.left(4, 5000);
  assert.deepEqual(h.out.at(-1), [4, 5000, 10_000]);
  // Too late for any later window end (5 s + 10 s < 25 s): not kept.
  assert.deepEqual(h.timeRows(), []);
  h.right(30_000);
  assert.equal(h.out.length, 3);
});

test("join key buckets: equal keys one bucket, nexmark-like prices and strings spread over many", () => {
  assert.equal(joinKeyBucket(1234567890123), joinKeyBucket(1234567890123));
  assert.equal(joinKeyBucket("s3:abc"), joinKeyBucket("s3:abc"));
  const prices = new Set(Array.from({ length: 5000 }, (_, i) => joinKeyBucket(1000 + i * 37)));
  const floats = new Set(Array.from({ length: 5000 }, (_, i) => joinKeyBucket(i + 0.25)));
  const strings = new Set(Array.from({ length: 5000 }, (_, i) => joinKeyBucket(`n${i}|s2:ab`)));
  const bigints = new Set(Array.from({ length: 5000 }, (_, i) => joinKeyBucket(BigInt(i) * 4_294_967_311n)));
  for (const spread of [prices, floats, strings, bigints]) assert.ok(spread.size > 900, `${spread.size} buckets`);
});

test("q7's join restores at random cuts with nothing lost or twice, and a savepoint of the regular join's plan is refused", async () => {
  const file = join(dir, "bids.csv");
  const base = Date.UTC(2024, 0, 1);
  // 3,000 bids over 300 s, prices 0..19; every 50th bid 15 s late at the top price, so the regular join meets it with a window long fired.
  const lines = Array.from({ length: 3000 }, (_, i) => {
    const late = i % 50 === 49;
    const t = base + i * 100 - (late ? 15_000 : 0);
    return `${i},${late ? 19 : (i * 7919) % 20},${new Date(t).toISOString().replace("T", " ").replace("Z", "")}`;
  });
  writeFileSync(file, `${lines.join("\n")}\n`);
  const session = new SqlSession({ checkpointDirectory: join(dir, "sp") });
  await session.execute(
    `CREATE TABLE bid (auction INT, price INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv')`,
  );
  const rows = await checkRandomCutRestore(session.catalog, q7(), dir, { seeds: 2, sourceRows: 3000, name: "q7 bounded join" });
  // The same rows as the regular join (an expression over window_end keeps it one).
  const regular = (await session.execute(q7("window_end + INTERVAL '0' SECOND"))).at(-1);
  assert.ok(regular?.kind === "table");
  const sorted = (rs: readonly Row[]) => rs.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(sorted(rows), sorted(regular.rows));
  assert.ok(rows.length > 30, `${rows.length} rows`);
  assert.ok(rows.filter((r) => (r[0] as number) % 50 === 49).length >= 50, "late bids meet windows fired long before");

  // A savepoint of the regular join's plan (the plan before this change, same uids upstream) into q7's: refused, naming the join.
  const live = new SqlSession({ checkpointDirectory: join(dir, "old") });
  const ddl = `CREATE TABLE bid (auction INT, price INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.price.min' = '0', 'fields.price.max' = '9')`;
  await live.execute(ddl);
  const job = (await live.execute(q7("window_end + INTERVAL '0' SECOND"))).at(-1);
  assert.ok(job?.kind === "job");
  await job.job.stop({ savepoint: "regular" });
  const error = await live.execute(q7(), { restoreFrom: "regular" }).then(
    () => assert.fail("restored a regular join's savepoint into the bounded join"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SqlRestoreError, String(error));
  assert.match(error.operator ?? "", /^Join\(.*leftStateRetention/);
});
