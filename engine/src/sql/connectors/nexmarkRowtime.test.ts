/**
 * ddl_gen.sql's rowtime is each event's own time, which the nexmark source stamps its records with already
 * (nexmarkRowtime.ts): recognised only in that shape, so any other expression is still computed per record.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Nexmark } from "../../connectors/nexmark/index.js";
import { SqlSession } from "../SqlSession.js";
import { lastTableRows as rows, nexmarkDdl } from "../testing/nexmarkSql.js";
import { isNexmarkEventTime } from "./nexmarkRowtime.js";

/** The datagen table of `ddl` as the catalog holds it, and its rowtime column's expression. */
async function rowtimeOf(ddl: string): Promise<boolean> {
  const session = new SqlSession();
  await session.execute(ddl);
  const table = session.catalog.get("datagen");
  assert.equal(table?.kind, "table");
  const computed = table.columns.find((c) => c.name === "dateTime")?.computed;
  assert.ok(computed, "dateTime is computed");
  return isNexmarkEventTime(table, computed);
}

const ddl = (events: number, from: string, to: string) => {
  const text = nexmarkDdl(events);
  assert.ok(text.includes(from), from);
  return text.replace(from, to);
};

test("ddl_gen.sql's CASE is the event's own time, its WHENs in any order; another field, another column or a missing type is not", async () => {
  assert.equal(await rowtimeOf(nexmarkDdl(10)), true);
  const reordered = "CASE WHEN 1 = event_type THEN auction.`dateTime` WHEN event_type = 2 THEN bid.`dateTime` ELSE person.`dateTime` END";
  const caseText = /CASE[\s\S]*?END/.exec(nexmarkDdl(10))?.[0] as string;
  assert.equal(await rowtimeOf(ddl(10, caseText, reordered)), true);
  assert.equal(await rowtimeOf(ddl(10, caseText, caseText.replace("THEN auction.`dateTime`", "THEN auction.expires"))), false);
  assert.equal(await rowtimeOf(ddl(10, caseText, caseText.replace("THEN auction.`dateTime`", "THEN bid.`dateTime`"))), false);
  assert.equal(await rowtimeOf(ddl(10, caseText, caseText.replace(/ELSE[^\n]*\n/, ""))), false);
  assert.equal(await rowtimeOf(ddl(10, caseText, caseText.replace("event_type = 1", "event_type = 3"))), false);
});

test("a rowtime not recognised is still computed per record: auctions timed by `expires` carry it as their dateTime", async () => {
  const caseText = /CASE[\s\S]*?END/.exec(nexmarkDdl(10))?.[0] as string;
  const got = await rows(`${ddl(400, caseText, caseText.replace("THEN auction.`dateTime`", "THEN auction.expires"))}SELECT auction.id, \`dateTime\` FROM datagen WHERE event_type = 1`);
  const expected = Nexmark.events({}, 0, 400).flatMap((e) => (e.type === "auction" ? [[e.id, e.expires]] : []));
  assert.ok(expected.length > 5);
  assert.deepEqual(got, expected);
});
