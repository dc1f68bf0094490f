/**
 * The `nexmark` SQL connector: nexmark's own ddl_gen.sql and ddl_views.sql (bench/nexmark/flink/…/nexmark-sql,
 * copied unchanged from the nexmark repository) run as written, and the person/auction/bid views give the
 * events of the engine's Nexmark generator (Nexmark.events, same seed), field by field.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Nexmark } from "../../connectors/nexmark/index.js";
import { displayValue } from "../index.js";
import { SqlSession } from "../SqlSession.js";
import { nexmarkDdl, lastTableRows as rows } from "../testing/nexmarkSql.js";

test("nexmark connector: ddl_gen.sql + ddl_views.sql unchanged give the generator's bids, auctions and people", async () => {
  const events = Nexmark.events({}, 0, 2000);
  const bids = await rows(`${nexmarkDdl(2000)}SELECT * FROM bid`);
  assert.deepEqual(
    bids,
    events.filter((e) => e.type === "bid").map((b) => [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra]),
  );
  const auctions = await rows(`${nexmarkDdl(2000)}SELECT * FROM auction`);
  assert.deepEqual(
    auctions,
    events.filter((e) => e.type === "auction").map((a) => [a.id, a.itemName, a.description, a.initialBid, a.reserve, a.dateTime, a.expires, a.seller, a.category, a.extra]),
  );
  const people = await rows(`${nexmarkDdl(2000)}SELECT id, name, emailAddress, creditCard, city, state, \`dateTime\`, extra FROM person`);
  assert.deepEqual(
    people,
    events.filter((e) => e.type === "person").map((p) => [p.id, p.name, p.emailAddress, p.creditCard, p.city, p.state, p.dateTime, p.extra]),
  );
});

test("nexmark connector: ROW columns, field access and the computed rowtime as DESCRIBE shows them", async () => {
  const described = await rows(`${nexmarkDdl(10)}DESCRIBE datagen`);
  const byName = new Map(described.map((r) => [r[0], r[1]]));
  assert.equal(byName.get("event_type"), "INT");
  assert.match(String(byName.get("bid")), /^ROW<`auction` BIGINT, `bidder` BIGINT, `price` BIGINT, .*`dateTime` TIMESTAMP\(3\), `extra` STRING>$/);
  assert.equal(byName.get("dateTime"), "TIMESTAMP(3) *ROWTIME*");
  // Field access straight on the table, and a ROW column that is NULL for other event types.
  const out = await rows(`${nexmarkDdl(50)}SELECT event_type, bid.price, person.id FROM datagen WHERE event_type <> 1`);
  const expected = Nexmark.events({}, 0, 50)
    .filter((e) => e.type !== "auction")
    .map((e) => (e.type === "bid" ? [2, e.price, null] : [0, null, e.type === "person" ? e.id : null]));
  assert.deepEqual(out, expected);
  // A whole ROW value shows as Flink's SQL client prints one.
  const session = new SqlSession();
  const results = await session.execute(`${nexmarkDdl(5)}SELECT bid FROM datagen WHERE event_type = 2`);
  const last = results[results.length - 1] as { columns: { type: unknown }[]; rows: unknown[][] };
  const b = Nexmark.events({}, 0, 5).find((e) => e.type === "bid");
  assert.ok(b?.type === "bid");
  assert.equal(displayValue(last.rows[0]?.[0], last.columns[0]?.type as never), `(${b.auction}, ${b.bidder}, ${b.price}, ${b.channel}, ${b.url}, 2023-11-14 22:13:20.000, ${b.extra})`);
});

test("nexmark connector: nexmark's option keys only, with nexmark's meaning", async () => {
  const ddl = (options: string) => `CREATE TABLE g (event_type INT, bid ROW<price BIGINT>) WITH ('connector' = 'nexmark', ${options});\nSELECT bid.price FROM g WHERE event_type = 2`;
  await assert.rejects(new SqlSession().execute(ddl("'events.num' = '10', 'rows-per-second' = '5'")), /Unsupported options found for 'nexmark': rows-per-second/);
  await assert.rejects(new SqlSession().execute(ddl("'events.num' = '10', 'first-event.rate' = '10', 'next-event.rate' = '20'")), /next-event.rate/);
  // bid.proportion and events.num as in NexmarkSourceOptions: 10 events of proportions 1/3/6 hold 6 bids.
  const prices = await rows(ddl("'events.num' = '10', 'bid.proportion' = '6'"));
  assert.deepEqual(
    prices,
    Nexmark.events({ bidProportion: 6 }, 0, 10)
      .filter((e) => e.type === "bid")
      .map((b) => [b.price]),
  );
  await assert.rejects(new SqlSession().execute(`${nexmarkDdl(10)}SELECT bid.nope FROM datagen`), /Unknown field 'nope' in ROW column 'bid'/);
});
