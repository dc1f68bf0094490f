/**
 * Sluice-only sinks for Flink jobs, against a stand-in SQL Gateway on loopback: a duckdb table of a
 * `--target flink` cell is created in the kernel (never sent), and INSERT INTO it sends only its
 * query, whose changelog lands in the kernel's DuckDB — upserted by a PRIMARY KEY, appended
 * without one (an update is then the job's error). A query reading such a table is refused before
 * anything is sent. The real cluster's side: test/python/test_flink_target.py (SLUICE_FLINK_TESTS=on).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { query } from "../../../engine/src/connectors/duckdb/sharedDatabase.js";
import { DISPLAY } from "../display/mimeBundle.js";
import type { MagicEnv } from "../magics/magic.js";
import { sqlMagic } from "../magics/sql/sqlMagic.js";
import { runOnFlink } from "./flinkCell.js";
import { connectFlink, disconnectFlink, type FlinkConnection } from "./flinkConnection.js";

type Row = { kind: "INSERT" | "UPDATE_BEFORE" | "UPDATE_AFTER" | "DELETE"; fields: unknown[] };
const columns = [
  { name: "k", logicalType: { type: "VARCHAR", nullable: true } },
  { name: "n", logicalType: { type: "BIGINT", nullable: true } },
];
// An updating aggregate's changelog as Flink's gateway sends it: b is retracted, a updated.
const updating: Row[] = [
  { kind: "INSERT", fields: ["a", 1] },
  { kind: "INSERT", fields: ["b", 1] },
  { kind: "UPDATE_BEFORE", fields: ["a", 1] },
  { kind: "UPDATE_AFTER", fields: ["a", 2] },
  { kind: "DELETE", fields: ["b", 1] },
  { kind: "INSERT", fields: ["c", 5] },
];
const inserts: Row[] = [
  { kind: "INSERT", fields: ["x", 1] },
  { kind: "INSERT", fields: ["y", 2] },
  { kind: "INSERT", fields: ["x", 3] },
];

/** The rows a `%%sql` cell shows (its data resource). */
async function sqlShown(sql: string): Promise<unknown[]> {
  const outcome = await sqlMagic({ name: "sql", kind: "cell", args: "", body: sql, bodyLine: 2 }, env);
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  const value = outcome.status === "ok" ? (outcome.result?.value as Record<symbol, () => Record<string, { data: unknown[] }>> | undefined) : undefined;
  return value?.[DISPLAY]?.()["application/vnd.dataresource+json"]?.data ?? [];
}

const env: MagicEnv = { lookup: () => ({ found: false }), assign: async () => undefined, interruptible: (work) => work(), source: "", executionCount: 1 };

describe("Sluice-only sinks of --target flink cells (stand-in gateway)", () => {
  let server: Server;
  let flink: FlinkConnection;
  const statements: string[] = [];

  before(async () => {
    // Each statement is one operation, named by its index; a query's rows depend on its text.
    server = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.url === "/v3/info") return send(200, { productName: "Apache Flink", version: "2.2.0" });
      if (req.method === "POST" && req.url === "/v3/sessions") return send(200, { sessionHandle: "s1" });
      if (req.method === "POST" && req.url === "/v3/sessions/s1/statements") {
        statements.push((JSON.parse(body) as { statement: string }).statement);
        return send(200, { operationHandle: `op${statements.length - 1}` });
      }
      const m = /^\/v3\/sessions\/s1\/operations\/op(\d+)\/result\/(\d+)\?rowFormat=JSON$/.exec(req.url ?? "");
      if (m) {
        const statement = statements[Number(m[1])] ?? "";
        const token = Number(m[2]);
        const isQuery = /^\s*SELECT/i.test(statement);
        const rows = isQuery ? (statement.includes("updating") ? updating : inserts) : [{ kind: "INSERT", fields: ["OK"] }];
        if (token > 0) return send(200, { resultType: "EOS", jobID: isQuery ? `job${m[1]}` : undefined, results: { columns: [], data: [] } });
        return send(200, {
          resultType: "PAYLOAD",
          ...(isQuery ? { jobID: `job${m[1]}` } : {}),
          resultKind: "SUCCESS_WITH_CONTENT",
          isQueryResult: isQuery,
          results: { columns: isQuery ? columns : [{ name: "result", logicalType: { type: "VARCHAR" } }], rowFormat: "JSON", data: rows },
          nextResultUri: `/v3/sessions/s1/operations/op${m[1]}/result/1?rowFormat=JSON`,
        });
      }
      if (req.method === "DELETE" || req.url?.endsWith("/heartbeat")) return send(200, { status: "CLOSED" });
      return send(404, { errors: [`Not found: ${req.method} ${req.url}`] });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    flink = await connectFlink({ gatewayUrl: url, restUrl: url });
  });
  after(async () => {
    await disconnectFlink();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const cell = (body: string) => runOnFlink({ name: "ssql", kind: "cell", args: "--target flink", body, bodyLine: 2 }, env, flink);
  const bounded = "CREATE TABLE src (k STRING, n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n";

  test("INSERT INTO a duckdb table with a PRIMARY KEY: only the query goes to Flink, its changelog is upserted by the key", async () => {
    statements.length = 0;
    const outcome = await cell(
      `${bounded}CREATE TABLE totals (k STRING, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'duckdb', 'table-name' = 'flink_totals');\nINSERT INTO totals SELECT k, COUNT(*) AS n FROM src GROUP BY k /* updating */`,
    );
    assert.equal(outcome.status, "ok", JSON.stringify(outcome));
    assert.deepEqual(statements, [bounded.trim().replace(/;$/, ""), "SELECT k, COUNT(*) AS n FROM src GROUP BY k /* updating */"]);
    const rows = (await query("SELECT k, n FROM flink_totals ORDER BY k")).values;
    assert.deepEqual(rows, [
      { k: "a", n: 2 },
      { k: "c", n: 5 },
    ]);
    // %%sql shows the BIGINT column as numbers (every value fits a double exactly), as for a table of its own.
    assert.deepEqual(await sqlShown("SELECT k, n FROM flink_totals ORDER BY k"), [
      { k: "a", n: 2 },
      { k: "c", n: 5 },
    ]);
  });

  test("INSERT INTO a duckdb table without a key appends the rows; an update from Flink is the job's error", async () => {
    const outcome = await cell(`CREATE TABLE log (k STRING, n BIGINT) WITH ('connector' = 'duckdb', 'table-name' = 'flink_log');\nINSERT INTO log SELECT k, n FROM src`);
    assert.equal(outcome.status, "ok", JSON.stringify(outcome));
    assert.deepEqual((await query("SELECT k, n FROM flink_log ORDER BY n")).values, [
      { k: "x", n: 1 },
      { k: "y", n: 2 },
      { k: "x", n: 3 },
    ]);
    const failed = await cell("INSERT INTO log SELECT k, COUNT(*) FROM src GROUP BY k /* updating */");
    assert.equal(failed.status, "error");
    assert.match(failed.status === "error" ? failed.error.evalue : "", /^Table sink 'log' doesn't support consuming update and delete changes \(got -U\).* \(cell line 2\)$/);
    assert.equal((await query("SELECT count(*)::INT AS c FROM flink_log")).values[0]?.c, 3); // nothing of the failed batch written
  });

  test("a query reading a Sluice-only table is refused before anything of the cell is sent", async () => {
    statements.length = 0;
    await assert.rejects(cell(`${bounded}SELECT * FROM totals`), /'totals' \(cell line 3\) is a Sluice-only table kept in the kernel: a Flink job cannot read it, so nothing of this cell was sent/);
    assert.deepEqual(statements, []);
  });
});
