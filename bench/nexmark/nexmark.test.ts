/**
 * Every Nexmark query on the engine, checked against the same query in DuckDB over the same generated
 * events (the Nexmark SQL, adapted only where noted in each query's file), at parallelism 1 and 2; the
 * queries with keyed exchanges also as a module job on worker threads (nexmarkJob.ts, as run.ts times them).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { sinks, StreamEnvironment } from "../../engine/src/index.js";
import { Nexmark, type Auction, type Bid, type NexmarkEvent, type Person } from "../../engine/src/connectors/nexmark/index.js";
import { nexmarkEvents, QUERIES } from "./queries/index.js";
import { executeModuleJob } from "../../engine/src/runtime/workers/moduleJob.js";
import { workerStats } from "../../engine/src/runtime/workers/workerPlacement.js";
import type { NexmarkJobArgs, NexmarkJobResult } from "./nexmarkJob.js";

/** Small enough for CI, long enough in event time (60 s) for many 10 s windows and closed auctions. */
const GENERATOR = { seed: 7, eventsPerSecond: 500 };
const COUNT = 30_000;

let instance: DuckDBInstance;
let db: DuckDBConnection;

before(async () => {
  instance = await DuckDBInstance.create(":memory:");
  db = await instance.connect();
  await load(Nexmark.events(GENERATOR, 0, COUNT));
});

after(() => {
  db.closeSync();
  instance.closeSync();
});

async function load(events: NexmarkEvent[]): Promise<void> {
  await db.run(`CREATE TABLE person(id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, dateTime BIGINT, extra VARCHAR);
    CREATE TABLE auction(id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime BIGINT, expires BIGINT, seller BIGINT, category BIGINT, extra VARCHAR);
    CREATE TABLE bid(auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime BIGINT, extra VARCHAR);`);
  const appenders = { person: await db.createAppender("person"), auction: await db.createAppender("auction"), bid: await db.createAppender("bid") };
  for (const e of events) {
    const a = appenders[e.type];
    // Column order of the CREATE TABLEs above, which is the field order of the model.
    for (const [k, v] of Object.entries(e as Person | Auction | Bid)) {
      if (k === "type") continue;
      if (typeof v === "string") a.appendVarchar(v);
      else a.appendBigInt(BigInt(v));
    }
    a.endRow();
  }
  for (const a of Object.values(appenders)) a.closeSync();
}

/** DuckDB's version of each query; times are epoch-ms BIGINTs, so windows are integer arithmetic. */
const SQL: Record<string, string> = {
  q0: "SELECT auction, bidder, price, dateTime, extra FROM bid",
  q1: "SELECT auction, bidder, CAST(price * 908 AS DOUBLE) / 1000 AS price, dateTime, extra FROM bid",
  q2: "SELECT auction, price FROM bid WHERE auction % 123 = 0",
  q3: `SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON A.seller = P.id
       WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')`,
  q4: `SELECT Q.category AS id, AVG(Q.final) AS final FROM (
         SELECT MAX(B.price) AS final, A.category FROM auction A, bid B
         WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category) Q
       GROUP BY Q.category`,
  q5: `WITH hop AS (SELECT auction, unnest(range(dateTime - dateTime % 2000, dateTime - 10000, -2000)) AS starttime FROM bid),
       counts AS (SELECT auction, starttime, count(*) AS num FROM hop GROUP BY auction, starttime),
       maxes AS (SELECT starttime, max(num) AS maxn FROM counts GROUP BY starttime)
       SELECT c.auction, c.num, c.starttime FROM counts c JOIN maxes m ON c.starttime = m.starttime AND c.num >= m.maxn`,
  q6: `WITH w AS (SELECT A.id, A.seller, A.expires, MAX(B.price) AS price FROM auction A JOIN bid B
         ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.seller, A.expires)
       SELECT seller, AVG(price) OVER (PARTITION BY seller ORDER BY expires, id ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS avgPrice FROM w`,
  q7: `WITH b AS (SELECT *, dateTime - dateTime % 10000 AS ws FROM bid), m AS (SELECT ws, MAX(price) AS maxprice FROM b GROUP BY ws)
       SELECT b.auction, b.price, b.bidder, b.dateTime, b.extra FROM b JOIN m ON b.ws = m.ws AND b.price = m.maxprice`,
  q8: `WITH p AS (SELECT DISTINCT id, name, dateTime - dateTime % 10000 AS ws FROM person),
       a AS (SELECT DISTINCT seller, dateTime - dateTime % 10000 AS ws FROM auction)
       SELECT p.id, p.name, p.ws AS stime FROM p JOIN a ON p.id = a.seller AND p.ws = a.ws`,
};

/** Output columns compared per query, and the minimum result size that makes the check meaningful. */
const COLUMNS: Record<string, { fields: string[]; atLeast: number }> = {
  q0: { fields: ["auction", "bidder", "price", "dateTime", "extra"], atLeast: 20_000 },
  q1: { fields: ["auction", "bidder", "price", "dateTime", "extra"], atLeast: 20_000 },
  q2: { fields: ["auction", "price"], atLeast: 50 },
  q3: { fields: ["name", "city", "state", "id"], atLeast: 20 },
  q4: { fields: ["id", "final"], atLeast: 5 },
  q5: { fields: ["auction", "num", "starttime"], atLeast: 25 },
  q6: { fields: ["seller", "avgPrice"], atLeast: 500 },
  q7: { fields: ["auction", "price", "bidder", "dateTime", "extra"], atLeast: 6 },
  q8: { fields: ["id", "name", "stime"], atLeast: 5 },
};

function canonical(rows: Record<string, unknown>[], fields: string[]): string[] {
  const cell = (v: unknown) => (typeof v === "string" ? v : Number.isInteger(Number(v)) ? String(Number(v)) : Number(v).toFixed(6));
  return rows.map((r) => fields.map((f) => cell(r[f])).join("|")).sort();
}

async function engineRows(name: string, parallelism: number): Promise<Record<string, unknown>[]> {
  const env = StreamEnvironment.create({ parallelism, batchSize: 256 });
  const out = sinks.collect<Record<string, unknown>>();
  QUERIES[name]!.build(nexmarkEvents(env, { ...GENERATOR, count: COUNT })).sinkTo(out);
  await env.execute(name).wait();
  if (name !== "q4") return out.values;
  // q4 is an upsert stream per category: its latest row per category is the result.
  return [...new Map(out.values.map((r) => [r.id, r])).values()];
}

for (const name of Object.keys(SQL)) {
  test(`${name} equals DuckDB's result (parallelism 1 and 2)`, async () => {
    const { fields, atLeast } = COLUMNS[name]!;
    const expected = canonical((await db.runAndReadAll(SQL[name]!)).getRowObjectsJS() as Record<string, unknown>[], fields);
    assert.ok(expected.length >= atLeast, `${name}: DuckDB found only ${expected.length} rows; the data must exercise the query`);
    for (const parallelism of [1, 2]) {
      const actual = canonical(await engineRows(name, parallelism), fields);
      assert.equal(actual.length, expected.length, `${name} at parallelism ${parallelism}: number of rows`);
      assert.deepEqual(actual, expected, `${name} at parallelism ${parallelism}`);
    }
  });
}

test("q3, q5, q7 as module jobs on 2 worker threads (their records across keyed edges as inferred columns) equal DuckDB's result", async () => {
  for (const name of ["q3", "q5", "q7"]) {
    const { fields } = COLUMNS[name]!;
    const expected = canonical((await db.runAndReadAll(SQL[name]!)).getRowObjectsJS() as Record<string, unknown>[], fields);
    const args: NexmarkJobArgs = { query: name, count: COUNT, eventsPerSecond: GENERATOR.eventsPerSecond, seed: GENERATOR.seed, check: true, collect: true };
    const jobs = workerStats().jobs;
    const { job, declared } = await executeModuleJob<NexmarkJobResult>(new URL("./nexmarkJob.js", import.meta.url), "declareNexmark", name, { environment: { parallelism: 2, batchSize: 256 }, args });
    await job.wait();
    assert.equal(workerStats().jobs, jobs + 1, `${name} ran on worker threads`);
    assert.ok(
      workerStats().edges.some((e) => e.codec === "inferred" && / \(hash\)$/.test(e.edge)),
      JSON.stringify(workerStats().edges),
    );
    assert.deepEqual(canonical(declared.rows as Record<string, unknown>[], fields), expected, `${name} as a module job at parallelism 2`);
  }
});
