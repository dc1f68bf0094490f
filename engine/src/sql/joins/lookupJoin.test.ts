/**
 * Lookup joins (a processing-time temporal join against a CSV table declared with Flink's legacy
 * keys, nexmark's q13) and the legacy keys themselves. Conformance with Flink itself is
 * test/flink-sql/cases/lookupJoins.ts and q13 in bench/nexmark/sqlConformance.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { modernOptions } from "../connectors/legacyOptions.js";
import { StreamSqlError } from "../errors.js";
import { SqlSession } from "../index.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-lookup-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const bids = file("bids.csv", ["1,10", "2,10002", "3,7", "4,19999", "5,10005"].join("\n") + "\n");
/** q13's side input, smaller: `i,i` for i in [0, 10), key 5 twice. */
const side = file("side.csv", [...Array.from({ length: 10 }, (_, i) => `${i},v${i}`), "5,again"].join("\n") + "\n");

const ddl = (sidePath: string, extra = "") => `CREATE TABLE bids (id BIGINT, auction BIGINT) WITH ('connector' = 'filesystem', 'path' = '${bids}', 'format' = 'csv');
CREATE TABLE side_input (key BIGINT, \`value\` VARCHAR) WITH ('connector.type' = 'filesystem', 'connector.path' = 'file://${sidePath}', 'format.type' = 'csv'${extra});
`;

async function rows(sql: string): Promise<unknown[][]> {
  const results = await new SqlSession().execute(sql);
  const last = results[results.length - 1];
  assert.equal(last?.kind, "table");
  return (last as { rows: unknown[][] }).rows.map((r) => r.map((v) => (typeof v === "bigint" ? Number(v) : v))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const Q13 = "SELECT B.id, S.`value` FROM (SELECT *, PROCTIME() AS p_time FROM bids) B JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S ON mod(B.auction, 10) = S.key";

test("the legacy filesystem/csv keys are the modern options; any other legacy key is refused by name", () => {
  const mapped = modernOptions("t", { "connector.type": "filesystem", "connector.path": "file:///x", "format.type": "csv", "format.field-delimiter": ";", "format.property-version": "1" });
  assert.deepEqual(mapped, { options: { connector: "filesystem", path: "file:///x", format: "csv", "csv.field-delimiter": ";" }, legacy: true });
  assert.deepEqual(modernOptions("t", { connector: "filesystem" }), { options: { connector: "filesystem" }, legacy: false });
  const refused = (o: Record<string, string>, name: RegExp) =>
    assert.throws(
      () => modernOptions("t", o),
      (e: unknown) => e instanceof StreamSqlError && name.test(e.message),
    );
  refused({ "connector.type": "filesystem", "connector.path": "/x", "format.type": "csv", "format.ignore-first-line": "true" }, /'format\.ignore-first-line'/);
  refused({ "connector.type": "kafka" }, /'connector\.type' = 'kafka'/);
  refused({ "connector.type": "filesystem", "connector.path": "/x", "format.type": "json" }, /'format\.type' = 'json'/);
  refused({ connector: "filesystem", "connector.type": "filesystem" }, /cannot both be set/);
});

test("a table declared with the legacy keys is read as the filesystem connector reads it", async () => {
  assert.deepEqual((await rows(`${ddl(side)}SELECT * FROM side_input WHERE key < 2`)).length, 2);
});

test("a processing-time temporal join against a legacy CSV table looks each row up in the whole file", async () => {
  // Every bid finds its key (two rows for key 5); as nexmark q13.
  assert.deepEqual(await rows(`${ddl(side)}${Q13}`), [
    [1, "v0"],
    [2, "v2"],
    [3, "v7"],
    [4, "v9"],
    [5, "again"],
    [5, "v5"],
  ]);
});

test("LEFT lookup join pads a row without a match; a condition beside the key filters the looked-up rows", async () => {
  const small = file("small.csv", "0,zero\n5,five\n5,again\n");
  const q = "SELECT B.id, S.`value` FROM (SELECT *, PROCTIME() AS p_time FROM bids) B LEFT JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S ON mod(B.auction, 10) = S.key AND S.`value` <> 'again'";
  assert.deepEqual(await rows(`${ddl(small)}${q}`), [
    [1, "zero"],
    [2, null],
    [3, null],
    [4, null],
    [5, "five"],
  ]);
});

test("at parallelism 2 each subtask looks rows up in the same file", async () => {
  assert.equal((await rows(`SET 'parallelism.default' = '2';\n${ddl(side)}${Q13}`)).length, 6);
});

test("a line of the file its columns cannot read fails the job as the filesystem scan's does, naming the operator, the file and the line", async () => {
  const bad = file("bad.csv", "0,zero\nnot-a-number,x\n");
  await assert.rejects(rows(`${ddl(bad)}${Q13}`), /Cannot parse record in job .*operator 'LookupJoin\(table=\[side_input\].*source .*bad\.csv line 2 offset 7: field: key:/);
});

test("the table is read when the join opens, as Flink's CsvLookupFunction: a missing file fails the job before any row looks it up", async () => {
  const none = Q13.replace("FROM bids)", "FROM bids WHERE id < 0)");
  await assert.rejects(rows(`${ddl(join(dir, "missing.csv"))}${none}`), /Source failed in job .*missing\.csv/);
});

test("a processing-time temporal join against a table of the modern keys stays refused (it is no lookup source)", async () => {
  const modern = `CREATE TABLE bids (id BIGINT, auction BIGINT) WITH ('connector' = 'filesystem', 'path' = '${bids}', 'format' = 'csv');
CREATE TABLE side_input (key BIGINT, \`value\` VARCHAR) WITH ('connector' = 'filesystem', 'path' = '${side}', 'format' = 'csv');
`;
  await assert.rejects(rows(`${modern}${Q13}`), /requires primary key/);
});
