/**
 * What the kernel decides about a `%%ssql --target flink` cell before the gateway sees it: the
 * statements, which results end, which tables are Sluice-only, and the `%flink` / `--target`
 * options. The cluster's side is test/python/test_flink_target.py (SLUICE_FLINK_TESTS=on).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseFlinkArgs, targetOf } from "./flinkMagic.js";
import { FlinkCatalog, insertInto, isSluiceOnlyTable, splitStatements, tablesRead, withOptions } from "./statements.js";

describe("Flink statements of a cell", () => {
  test("split at top-level semicolons only, with their kinds and lines", () => {
    const body =
      "CREATE TABLE t (s STRING) WITH ('connector' = 'datagen', 'x' = 'a;b');\n-- a comment; still a comment\nSELECT ';', `a;b` FROM t /* ; */;\n\nINSERT INTO u SELECT * FROM t;\nSET 'k' = 'v'";
    const got = splitStatements(body).map((s) => [s.kind, s.line, s.text.slice(0, 12)]);
    assert.deepEqual(got, [
      ["other", 1, "CREATE TABLE"],
      ["query", 2, "-- a comment"],
      ["insert", 5, "INSERT INTO "],
      ["set", 6, "SET 'k' = 'v"],
    ]);
  });

  test("WITH options are read as Flink writes them, '' unescaped", () => {
    assert.deepEqual(withOptions("CREATE TABLE t (a INT) WITH ('connector' = 'filesystem', 'path' = '/tmp/it''s.csv', 'format'='csv')"), {
      connector: "filesystem",
      path: "/tmp/it's.csv",
      format: "csv",
    });
  });

  test("Sluice-only tables are told apart, INSERT INTO split into target and query, the tables a query reads listed", () => {
    const [hole, duck] = splitStatements("CREATE TABLE a (x INT) WITH ('connector' = 'blackhole');\nCREATE TABLE d (x INT) WITH ('connector' = 'duckdb', 'table-name' = 'd')");
    assert.equal(isSluiceOnlyTable(hole!), false);
    assert.equal(isSluiceOnlyTable(duck!), true);
    assert.deepEqual(insertInto("INSERT INTO `db`.Totals\nSELECT k, COUNT(*) FROM t GROUP BY k"), { table: "totals", query: "SELECT k, COUNT(*) FROM t GROUP BY k" });
    assert.equal(insertInto("INSERT INTO totals (k, n) SELECT k, 1 FROM t"), undefined);
    assert.deepEqual(tablesRead("WITH w AS (SELECT * FROM a) SELECT * FROM w JOIN b ON true, TABLE(TUMBLE(TABLE c, DESCRIPTOR(ts), INTERVAL '1' SECOND))"), ["a", "b", "c"]);
  });

  test("a query is bounded when every table it reads ends (Flink's connector rules), views and batch mode included", () => {
    const catalog = new FlinkCatalog();
    for (const s of splitStatements(`
      CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'csv');
      CREATE TABLE g (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
      CREATE TABLE live (a INT) WITH ('connector' = 'datagen');
      CREATE TABLE seq (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '20');
      CREATE TABLE k (a INT) WITH ('connector' = 'kafka', 'scan.bounded.mode' = 'latest-offset');
      CREATE VIEW v AS SELECT a FROM f JOIN g ON f.a = g.a;
      CREATE VIEW w AS SELECT a FROM live`))
      catalog.note(s);
    assert.equal(catalog.isBounded("SELECT 1"), true);
    assert.equal(catalog.isBounded("SELECT * FROM f, g"), true);
    assert.equal(catalog.isBounded("SELECT * FROM v JOIN k ON v.a = k.a"), true);
    assert.equal(catalog.isBounded("WITH x AS (SELECT a FROM f) SELECT * FROM x"), true);
    assert.equal(catalog.isBounded("SELECT window_start FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(ts), INTERVAL '1' SECOND))"), true);
    assert.equal(catalog.isBounded("SELECT n FROM seq"), true, "a sequence ends");
    assert.equal(catalog.isBounded("SELECT * FROM w"), false);
    assert.equal(catalog.isBounded("SELECT * FROM live"), false);
    assert.equal(catalog.isBounded("SELECT * FROM somebody_elses"), false, "a table this kernel did not create might be unbounded");
    catalog.note(splitStatements("SET 'execution.runtime-mode' = 'batch'")[0]!);
    assert.equal(catalog.isBounded("SELECT * FROM somebody_elses"), true);
  });

  test("%flink connect and --target options", () => {
    assert.deepEqual(parseFlinkArgs("connect https://flink.example.com:8083 --header 'Authorization: Bearer abc.def' --rest https://jm.example.com"), {
      verb: "connect",
      config: { gatewayUrl: "https://flink.example.com:8083", headers: { authorization: "Bearer abc.def" }, restUrl: "https://jm.example.com" },
    });
    assert.deepEqual(parseFlinkArgs(""), { verb: "status" });
    assert.throws(() => parseFlinkArgs("connect"), /name the SQL Gateway's URL/);
    assert.throws(() => parseFlinkArgs("connect http://a --header nocolon"), /is not 'Name: value'/);
    assert.equal(targetOf("--target flink"), "flink");
    assert.equal(targetOf("--target=local"), "local");
    assert.equal(targetOf(""), undefined);
    assert.throws(() => targetOf("--target spark"), /use --target flink or --target local/);
  });

  test("%flink target takes local, flink or a notebook variable (a report parameter)", () => {
    assert.deepEqual(parseFlinkArgs("target flink"), { verb: "target", target: "flink" });
    assert.deepEqual(parseFlinkArgs("target {target}"), { verb: "target", variable: "target" });
    assert.deepEqual(parseFlinkArgs("target $where"), { verb: "target", variable: "where" });
    assert.throws(() => parseFlinkArgs("target"), /%flink target takes one of local, flink or a \{variable\}/);
  });
});
