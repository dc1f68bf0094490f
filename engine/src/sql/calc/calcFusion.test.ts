/**
 * Stages fused into a Calc (calc.ts `stages`, planCalc.ts `fuseIntoCalc`): the WHERE an inner join
 * pushes into its input and the columns the join keeps run inside the input view's Calc, and a window
 * TVF over a view whose Calc passes the scan's rowtime through needs no restamping operator (nor a window
 * aggregate's SELECT that is its row as it is, windowAggregate.ts); the rows
 * stay those of the plan without fusion (nexmark q3 and q8 against the generator's events).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Nexmark } from "../../connectors/nexmark/index.js";
import type { OperatorContext } from "../../operators/Operator.js";
import type { Expr } from "../ast.js";
import type { Row } from "../connectors.js";
import { SqlSession } from "../SqlSession.js";
import { CalcOperator, compileCalc } from "./calc.js";
import { nexmarkDdl, nexmarkSelect, lastTableRows as rows } from "../testing/nexmarkSql.js";

async function operators(events: number, query: string): Promise<string[]> {
  const [explained] = await new SqlSession().execute(`${nexmarkDdl(events)}EXPLAIN ${query}`).then((r) => r.slice(-1));
  const graph = (explained as { text: string }).text.split("== Operator Graph ==")[1] ?? "";
  return graph
    .split("\n")
    .filter((l) => /^\[\d+\] /.test(l))
    .map((l) => l.replace(/^\[\d+\] /, "").replace(/(#\d+)?, parallelism.*/, ""));
}

test("nexmark q3: the WHERE pushed into each join input and the columns the join keeps run in the view's Calc, one operator per side", async () => {
  assert.deepEqual(await operators(10, nexmarkSelect("q3")), ["datagen[nexmark]", "Calc", "Calc", "Join(joinType=[InnerJoin], keys=[A.seller = P.id])", "Calc", "Sink: collect"]);
  const n = 60_000;
  const events = Nexmark.events({}, 0, n);
  const sellers = new Map(events.flatMap((e) => (e.type === "person" && ["OR", "ID", "CA"].includes(e.state) ? [[e.id, e]] : [])));
  const expected = events.flatMap((e) => {
    const p = e.type === "auction" && e.category === 10 ? sellers.get(e.seller) : undefined;
    return p && e.type === "auction" ? [[p.name, p.city, p.state, e.id]] : [];
  });
  assert.ok(expected.length > 20, "some auctions join");
  const sort = (rs: unknown[][]) => rs.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(sort(await rows(`${nexmarkDdl(n)}${nexmarkSelect("q3")}`)), sort(expected));
});

test("nexmark q8: a window TVF over a view whose Calc passes the scan's rowtime through reads it as the record timestamp (no restamping operator); its window aggregates and window join are one operator (joins/windowGroupJoin.ts)", async () => {
  const ops = await operators(10, nexmarkSelect("q8"));
  assert.deepEqual(ops, ["datagen[nexmark]", "Calc", "Calc", ops[3], "Calc", "Sink: collect"]);
  assert.match(ops[3] as string, /^WindowGroupJoin\(fused=/);
  const n = 60_000;
  const events = Nexmark.events({}, 0, n);
  const window = (t: number) => Math.floor(t / 10_000) * 10_000;
  const sold = new Set(events.flatMap((e) => (e.type === "auction" ? [`${e.seller}@${window(e.dateTime)}`] : [])));
  const expected = events.flatMap((e) => (e.type === "person" && sold.has(`${e.id}@${window(e.dateTime)}`) ? [[e.id, e.name, window(e.dateTime)]] : []));
  assert.ok(expected.length > 5, "some people sell in their first window");
  const sort = (rs: unknown[][]) => rs.map((r) => JSON.stringify([r[0], r[1], r[2] instanceof Date ? r[2].getTime() : r[2]])).sort();
  assert.deepEqual(sort(await rows(`${nexmarkDdl(n)}${nexmarkSelect("q8")}`)), sort(expected));
});

test("a window aggregate over a view reads only its keys and arguments of the view's rows: a column it does not read is never computed", async () => {
  // q is 10 / 0 for every bid; Flink prunes it from the Calc below the window aggregate (its oracle gives the counts for
  // this shape over a CSV table), so the query runs. Computed, it failed the job with '/ by zero'.
  const n = 20_000;
  const view = "CREATE VIEW bq AS SELECT bid.auction, 10 / (bid.auction - bid.auction) AS q, bid.price, `dateTime` FROM datagen WHERE event_type = 2;\n";
  const got = await rows(
    `${nexmarkDdl(n)}${view}SELECT auction, window_start, COUNT(*) AS c, MAX(price) AS hi FROM TABLE(TUMBLE(TABLE bq, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end`,
  );
  const expected = new Map<string, [number, number]>();
  for (const e of Nexmark.events({}, 0, n))
    if (e.type === "bid") {
      const key = `${e.auction}@${Math.floor(e.dateTime / 10_000) * 10_000}`;
      const [c, hi] = expected.get(key) ?? [0, 0];
      expected.set(key, [c + 1, Math.max(hi, e.price)]);
    }
  const show = (r: unknown[]) => `${r[0]}@${r[1] instanceof Date ? r[1].getTime() : r[1]}:${r[2]}:${r[3]}`;
  assert.deepEqual(got.map(show).sort(), [...expected].map(([k, [c, hi]]) => `${k}:${c}:${hi}`).sort());
});

test("a fused stage's WHERE runs after the Calc's own and before the items it does not read: a row it drops cannot fail an item", () => {
  const at = { line: 1, column: 1 };
  const col = (name: string): Expr => ({ kind: "column", name, at });
  const int = (value: number): Expr => ({ kind: "literal", value, type: { name: "INT" }, at });
  const scope = [
    { name: "a", type: { name: "INT" as const }, index: 0 },
    { name: "b", type: { name: "INT" as const }, index: 1 },
  ];
  // SELECT a, a / b AS q FROM t WHERE a > 1, then (fused) WHERE b <> 0 keeping q only.
  const items: Expr[] = [col("a"), { kind: "binary", op: "/", left: col("a"), right: col("b"), at }];
  const outScope = [
    { name: "a", type: { name: "INT" as const }, index: 0 },
    { name: "q", type: { name: "INT" as const }, index: 1 },
  ];
  const stage = { scope: outScope, where: { kind: "binary", op: "<>", left: col("a"), right: int(6), at } as Expr, columns: [1] };
  const { fn, types } = compileCalc(scope, { kind: "binary", op: ">", left: col("a"), right: int(1), at }, items, undefined, [stage]);
  assert.deepEqual(
    types.map((t) => t.name),
    ["INT"],
  );
  const out: Row[][] = [];
  const failed: unknown[] = [];
  const ctx = {
    output: { emitBatch: (values: readonly Row[]) => void out.push([...values]) },
    userError: (_: unknown, record: unknown) => void failed.push(record),
  } as unknown as OperatorContext<Row>;
  new CalcOperator(fn, ctx).processBatch({
    values: [
      [1, 0],
      [4, 2],
      [6, 0],
      [9, 3],
      [8, 0],
    ],
    timestamps: [1, 2, 3, 4, 5],
  });
  // [1, 0] fails the Calc's WHERE, [6, 0] the stage's: neither divides; [8, 0] does, and fails.
  assert.deepEqual(out, [[[2], [3]]]);
  assert.deepEqual(failed, [[8, 0]]);
});

test("a fused gate (CalcGate) sees each row's value and time after the WHERE, once per row, and the rows it drops are never made; its state is the subtask's, told each batch's start and the input's idleness", () => {
  const at = { line: 1, column: 1 };
  const col = (name: string): Expr => ({ kind: "column", name, at });
  const scope = [
    { name: "v", type: { name: "INT" as const }, index: 0 },
    { name: "t", type: { name: "INT" as const }, index: 1 },
  ];
  const seen: string[] = [];
  const gate = {
    value: 0,
    time: 1,
    name: "Gate(odd values)",
    create: () => ({
      begin: () => void seen.push("begin"),
      keep: (v: unknown, t: number) => {
        seen.push(`${v}@${t}`);
        return (v as number) % 2 === 1;
      },
      onWatermarkStatus: (idle: boolean) => void seen.push(idle ? "idle" : "active"),
    }),
  };
  // SELECT v, t, v + 0 FROM input WHERE v > 0, gated on v and t.
  const items: Expr[] = [col("v"), col("t"), { kind: "binary", op: "+", left: col("v"), right: { kind: "literal", value: 0, type: { name: "INT" }, at }, at }];
  const stage = { scope: scope.concat([{ name: "w", type: { name: "INT" as const }, index: 2 }]), where: undefined, columns: undefined, gate };
  const where: Expr = { kind: "binary", op: ">", left: col("v"), right: { kind: "literal", value: 0, type: { name: "INT" }, at }, at };
  const { fn } = compileCalc(scope, where, items, undefined, [stage]);
  const out: Row[][] = [];
  const ctx = { output: { emitBatch: (values: readonly Row[]) => void out.push([...values]) }, userError: () => undefined } as unknown as OperatorContext<Row>;
  const op = new CalcOperator(fn, ctx, gate);
  const batch = (values: Row[]) => {
    op.processBatch({ values, timestamps: values.map((r) => r[1] as number) });
  };
  batch([
    [1, 10],
    [0, 11],
    [2, 12],
    [3, 13],
  ]);
  op.onWatermarkStatus(true);
  batch([[5, 14]]);
  assert.deepEqual(seen, ["begin", "1@10", "2@12", "3@13", "idle", "begin", "5@14"]);
  assert.deepEqual(out, [
    [
      [1, 10, 1],
      [3, 13, 3],
    ],
    [[5, 14, 5]],
  ]);
});
