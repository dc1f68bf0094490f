/**
 * The fused Calc (calc.ts) and the record scan (scan/recordScan.ts): a query's WHERE and SELECT over
 * nexmark's `bid` view run as ONE operator straight over the generator's events, and give the rows the
 * generator's events give; a record that throws in the Calc goes by the error policy and the batch goes on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Nexmark } from "../../connectors/nexmark/index.js";
import type { OperatorContext } from "../../operators/Operator.js";
import type { Expr } from "../ast.js";
import type { Row } from "../connectors.js";
import { SqlSession } from "../SqlSession.js";
import { CalcOperator, compileCalc } from "./calc.js";
import { nexmarkDdl, lastTableRows as rows } from "../testing/nexmarkSql.js";

test("nexmark q2 over the bid view plans as source → one Calc → sink: the events are filtered and projected in one operator", async () => {
  const session = new SqlSession();
  await session.execute(`${nexmarkDdl(10)}CREATE TABLE nexmark_q2 (auction BIGINT, price BIGINT) WITH ('connector' = 'blackhole');`);
  const [explained] = await session.execute("EXPLAIN INSERT INTO nexmark_q2 SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0");
  const operators = (explained as { text: string }).text.split("\n").filter((l) => /^\[\d+\] /.test(l));
  // Not: the events, their rows, the computed dateTime, watermarks, WHERE, SELECT, sink (seven).
  assert.deepEqual(
    operators.map((l) => l.replace(/^\[\d+\] /, "").replace(/, parallelism.*/, "")),
    ["datagen[nexmark]", "Calc", "Sink: nexmark_q2"],
  );
});

test("a Calc over the events gives the generator's bids, as a Calc over the table's rows does", async () => {
  const n = 30_000;
  const expected = Nexmark.events({}, 0, n).flatMap((e) => (e.type === "bid" && e.auction % 123 === 0 ? [[e.auction, (e.price * 908) / 1000, e.dateTime, e.extra]] : []));
  assert.ok(expected.length > 5, "some bids pass the filter");
  const query = "SELECT auction, 0.908 * price AS price, `dateTime`, extra FROM bid WHERE MOD(auction, 123) = 0";
  const direct = await rows(`${nexmarkDdl(n)}${query}`);
  // `SELECT *` does not merge into the view (optimize/mergeProjections.ts): the outer Calc reads rows the inner one made.
  const overRows = await rows(
    `${nexmarkDdl(n)}SELECT bid.auction, 0.908 * bid.price AS price, \`dateTime\`, bid.extra FROM (SELECT * FROM datagen) WHERE event_type = 2 AND MOD(bid.auction, 123) = 0`,
  );
  for (const got of [direct, overRows]) {
    assert.equal(got.length, expected.length);
    got.forEach((r, i) => {
      const e = expected[i] as number[];
      assert.deepEqual([r[0], r[2], r[3]], [e[0], e[2], e[3]]);
      assert.ok(Math.abs((r[1] as number) - (e[1] as number)) < 1e-6, `${r[1]} vs ${e[1]}`);
    });
  }
});

test("the table's rows made of the events keep the rowtime and watermarks: a TUMBLE count over the nexmark table counts every bid", async () => {
  const n = 20_000;
  const bids = Nexmark.events({}, 0, n).filter((e) => e.type === "bid");
  const counts = await rows(
    `${nexmarkDdl(n)}SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE datagen, DESCRIPTOR(\`dateTime\`), INTERVAL '1' SECOND)) WHERE event_type = 2 GROUP BY window_start, window_end`,
  );
  const expected = new Map<number, number>();
  for (const b of bids) expected.set(Math.floor(b.dateTime / 1000) * 1000, (expected.get(Math.floor(b.dateTime / 1000) * 1000) ?? 0) + 1);
  assert.deepEqual(new Map(counts.map((r) => [r[0] as number, r[1] as number])), expected);
});

/** A context whose userError records the failure and returns (dead-letter) or throws (fail). */
function context(policy: "fail" | "dead-letter"): { ctx: OperatorContext<Row>; out: Row[][]; failed: unknown[] } {
  const out: Row[][] = [];
  const failed: unknown[] = [];
  const ctx = {
    output: { emitBatch: (values: readonly Row[]) => void out.push([...values]) },
    userError: (cause: unknown, record: unknown) => {
      if (policy === "fail") throw cause;
      failed.push(record);
    },
  } as unknown as OperatorContext<Row>;
  return { ctx, out, failed };
}

test("a record that throws in a Calc is reported and left out; the batch goes on after it (dead-letter), or the error stops it (fail)", () => {
  const at = { line: 1, column: 1 };
  const col = (name: string): Expr => ({ kind: "column", name, at });
  const scope = [
    { name: "a", type: { name: "INT" as const }, index: 0 },
    { name: "b", type: { name: "INT" as const }, index: 1 },
  ];
  // a / b on INTs fails on b = 0, as Java's integer division; WHERE a > 1.
  const where: Expr = { kind: "binary", op: ">", left: col("a"), right: { kind: "literal", value: 1, type: { name: "INT" }, at }, at };
  const { fn } = compileCalc(scope, where, [{ kind: "binary", op: "/", left: col("a"), right: col("b"), at }]);
  const batch = {
    values: [
      [1, 0],
      [4, 2],
      [6, 0],
      [9, 3],
      [8, 0],
    ],
    timestamps: [10, 20, 30, 40, 50],
  };
  const lenient = context("dead-letter");
  new CalcOperator(fn, lenient.ctx).processBatch(batch);
  // [1, 0] is filtered out before the division; [6, 0] and [8, 0] fail.
  assert.deepEqual(lenient.out, [[[2], [3]]]);
  assert.deepEqual(lenient.failed, [
    [6, 0],
    [8, 0],
  ]);
  const strict = context("fail");
  assert.throws(() => new CalcOperator(fn, strict.ctx).processBatch(batch), /zero/i);
  assert.deepEqual(strict.out, []);
});

test("a Calc's batches are exact however many rows the batch before kept (its arrays are sized by that batch's count)", () => {
  const at = { line: 1, column: 1 };
  const scope = [{ name: "a", type: { name: "INT" as const }, index: 0 }];
  // WHERE a % 500 = 0 OR a > 2000: 2 rows of the first batch, all of the second, none of the third.
  const a: Expr = { kind: "column", name: "a", at };
  const int = (value: number): Expr => ({ kind: "literal", value, type: { name: "INT" }, at });
  const where: Expr = {
    kind: "binary",
    op: "OR",
    left: { kind: "binary", op: "=", left: { kind: "binary", op: "%", left: a, right: int(500), at }, right: int(0), at },
    right: { kind: "binary", op: ">", left: a, right: int(2000), at },
    at,
  };
  const { fn } = compileCalc(scope, where, [a]);
  const emitted: { values: Row[]; timestamps: number[] }[] = [];
  const ctx = { output: { emitBatch: (values: Row[], timestamps: number[]) => void emitted.push({ values, timestamps }) } } as unknown as OperatorContext<Row>;
  const op = new CalcOperator(fn, ctx);
  const batch = (from: number, n: number) => ({ values: Array.from({ length: n }, (_, i) => [from + i]), timestamps: Array.from({ length: n }, (_, i) => from + i) });
  op.processBatch(batch(1, 1000));
  op.processBatch(batch(3001, 1000));
  op.processBatch(batch(1001, 499));
  assert.deepEqual(
    emitted.map((b) => b.values.length),
    [2, 1000, 0],
  );
  for (const b of emitted) {
    assert.equal(b.timestamps.length, b.values.length);
    b.values.forEach((r, i) => assert.deepEqual(r, [b.timestamps[i]], "dense, each row with its own timestamp"));
  }
  assert.deepEqual(emitted[0]?.values, [[500], [1000]]);
});

test("a computed column read by a Calc over the events resolves in the table's own scope, whatever the query's alias, and keeps its constants", async () => {
  const ddl = `CREATE TABLE g (
  event_type INT,
  person ROW<id BIGINT, name STRING>,
  bid ROW<price BIGINT, url STRING>,
  pid AS person.id,
  mobile AS bid.url LIKE '%mobile%'
) WITH ('connector' = 'nexmark', 'events.num' = '200');
`;
  const events = Nexmark.events({}, 0, 200);
  // Aliased `person`: the computed `person.id` still reads the ROW column, not the alias.
  const people = await rows(`${ddl}SELECT person.pid FROM g AS person WHERE event_type = 0`);
  assert.deepEqual(
    people,
    events.flatMap((e) => (e.type === "person" ? [[e.id]] : [])),
  );
  const bids = await rows(`${ddl}SELECT bid.price, mobile FROM g WHERE event_type = 2 AND bid.url LIKE '%a%'`);
  assert.deepEqual(
    bids,
    events.flatMap((e) => (e.type === "bid" && e.url.includes("a") ? [[e.price, e.url.includes("mobile")]] : [])),
  );
});
