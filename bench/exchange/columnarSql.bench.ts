/**
 * Issue 18's question: do typed columnar batches already beat object batches on one thread? Nexmark's
 * q0, q1, q2 (their SELECT and WHERE exactly as the nexmark repository writes them) over the `bid` view's
 * rows, evaluated by today's compiled row functions over row arrays and by the prototype in
 * columnarEval.ts over the same bids as columns; a sink reads every output value on both sides. Both
 * outputs are checked equal first. Events per CPU-second of the evaluation alone (the generator is
 * outside the timing: see bench/nexmark/columnar.bench.ts for a columnar source).
 *
 * Usage: npm run build && node dist/bench/exchange/columnarSql.bench.js [events=2000000] [reps=5]
 */
import assert from "node:assert/strict";
import { loadavg } from "node:os";
import { type Bid, Nexmark } from "../../engine/src/connectors/nexmark/index.js";
import type { ScopeColumn } from "../../engine/src/sql/compiler.js";
import { type Columns, compileQuery } from "./columnarEval.js";

const events = Number(process.argv[2] ?? 2_000_000);
const reps = Number(process.argv[3] ?? 5);
const BATCH = 1024;

const scope: ScopeColumn[] = (
  [
    ["auction", "BIGINT"],
    ["bidder", "BIGINT"],
    ["price", "BIGINT"],
    ["channel", "STRING"],
    ["url", "STRING"],
    ["dateTime", "TIMESTAMP"],
    ["extra", "STRING"],
  ] as const
).map(([name, type], index) => ({ name, type: { name: type }, index }));

const QUERIES: Record<string, { items: string[]; where?: string }> = {
  q0: { items: ["auction", "bidder", "price", "`dateTime`", "extra"] },
  q1: { items: ["auction", "bidder", "0.908 * price", "`dateTime`", "extra"] },
  q2: { items: ["auction", "price"], where: "MOD(auction, 123) = 0" },
};

// Bids of the first `events` Nexmark events, both ways (92% of events are bids).
const rowBatches: unknown[][][] = [];
const columnBatches: Columns[] = [];
let bids = 0;
{
  let rows: unknown[][] = [];
  const flush = (): void => {
    rowBatches.push(rows);
    const column = (k: number, typed: boolean) => (typed ? Float64Array.from(rows, (r) => r[k] as number) : rows.map((r) => r[k]));
    columnBatches.push({ n: rows.length, columns: [0, 1, 2, 3, 4, 5, 6].map((k) => column(k, k < 3 || k === 5)) });
    rows = [];
  };
  for (let from = 0; from < events; from += 100_000) {
    for (const e of Nexmark.events({}, from, Math.min(events, from + 100_000))) {
      if (e.type !== "bid") continue;
      const b = e as Bid;
      rows.push([b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra]);
      bids++;
      if (rows.length === BATCH) flush();
    }
  }
  if (rows.length > 0) flush();
}

const MOD = 2 ** 50;
let sink = 0;
const readValue = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" ? v.length : 0);
const sinkRows = (out: unknown[][]): void => {
  let s = 0;
  for (const r of out) for (let k = 0; k < r.length; k++) s += readValue(r[k]);
  sink = (sink + s) % MOD;
};
const sinkColumns = (out: Columns): void => {
  let s = 0;
  for (const c of out.columns) {
    if (c instanceof Float64Array) for (let i = 0; i < out.n; i++) s += c[i] as number;
    else for (let i = 0; i < out.n; i++) s += readValue(c[i]);
  }
  sink = (sink + s) % MOD;
};

const variants: [string, () => void][] = [];
for (const [name, q] of Object.entries(QUERIES)) {
  const { rows, columns } = compileQuery(scope, q.items, q.where);
  // Same results both ways, on the first 100 batches.
  for (let b = 0; b < Math.min(100, rowBatches.length); b++) {
    const r = rows(rowBatches[b] as unknown[][]);
    const c = columns(columnBatches[b] as Columns);
    assert.equal(c.n, r.length);
    for (let i = 0; i < c.n; i++)
      assert.deepStrictEqual(
        c.columns.map((col) => col[i]),
        r[i],
        `${name}, batch ${b}, row ${i}`,
      );
  }
  variants.push([`${name}, object rows (today)`, () => rowBatches.forEach((b) => sinkRows(rows(b)))]);
  variants.push([`${name}, columnar`, () => columnBatches.forEach((b) => sinkColumns(columns(b)))]);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [, run] of variants) run();
const results = new Map<string, number[]>();
for (let r = 0; r < reps; r++) {
  for (const [name, run] of variants) {
    const c0 = process.cpuUsage();
    run();
    const c = process.cpuUsage(c0);
    results.set(name, [...(results.get(name) ?? []), bids / ((c.user + c.system) / 1e6)]);
  }
}
console.log(
  `\n${bids.toLocaleString("en-US")} bids (of ${events.toLocaleString("en-US")} events), batches of ${BATCH}, median of ${reps} alternating rounds; load average ${(loadavg()[0] as number).toFixed(2)} (sink ${sink})`,
);
console.log("| query | evaluation | bids per CPU-second | ns per bid | columnar / rows |\n|---|---|---|---|---|");
let base = 0;
for (const [name, rs] of results) {
  const m = median(rs);
  if (name.endsWith("(today)")) base = m;
  const [q, how] = name.split(", ");
  console.log(`| ${q} | ${how} | ${Math.round(m).toLocaleString("en-US")} | ${(1e9 / m).toFixed(1)} | ${name.endsWith("columnar") ? `${(m / base).toFixed(1)}×` : ""} |`);
}
