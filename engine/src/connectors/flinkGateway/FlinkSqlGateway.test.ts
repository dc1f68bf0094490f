/**
 * The gateway client's protocol handling against a stand-in gateway on loopback (the real one is
 * exercised by test/integration/flinkGateway.test.ts, outside the default run): tokens read in
 * order with NOT_READY re-asked, the job id kept, headers sent, Flink's error list turned into a
 * FlinkGatewayError naming the innermost cause.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { FlinkGatewayError, flinkRootCause } from "./errors.js";
import { FlinkSqlGateway } from "./FlinkSqlGateway.js";

// What the gateway answers, per token, for the one operation of this stand-in.
const pages = [
  { resultType: "NOT_READY", jobID: "job-1" },
  { resultType: "PAYLOAD", jobID: "job-1", resultKind: "SUCCESS_WITH_CONTENT", rows: [{ kind: "INSERT", fields: [1, "a"] }] },
  { resultType: "NOT_READY", jobID: "job-1" },
  {
    resultType: "PAYLOAD",
    jobID: "job-1",
    rows: [
      { kind: "UPDATE_BEFORE", fields: [1, "a"] },
      { kind: "UPDATE_AFTER", fields: [1, "b"] },
    ],
  },
  { resultType: "EOS", jobID: "job-1" },
];

/** Told each token the "endless" operation is asked for. */
let endlessAsked: (token: number) => void = () => undefined;

const operationFor = (statement: string) => (statement.includes("nope") ? "bad" : statement.includes("endless") ? "endless" : statement.includes("closefails") ? "closefails" : "op1");

// Shaped like a real answer of Flink 2.2.0 (a validation error), stack frames cut.
const flinkErrors = [
  "org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n\tat org.apache.flink.table.gateway.rest.handler.statement.FetchResultsHandler.handleRequest(FetchResultsHandler.java:91)\nCaused by: org.apache.flink.table.gateway.service.utils.SqlExecutionException: Failed to execute the operation abc.\n\tat x.y(Z.java:1)\nCaused by: org.apache.flink.table.api.ValidationException: SQL validation failed. From line 1, column 8 to line 1, column 11: Column 'nope' not found in any table\n\tat x.y(Z.java:2)\nCaused by: org.apache.calcite.sql.validate.SqlValidatorException: Column 'nope' not found in any table\n\tat x.y(Z.java:3)\n",
];

describe("FlinkSqlGateway against a stand-in gateway", () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];
  const seen: IncomingMessage[] = [];

  before(async () => {
    server = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      seen.push(req);
      asked.push(`${req.method} ${req.url}`);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method === "POST" && req.url === "/v3/sessions") return send(200, { sessionHandle: "s1" });
      if (req.method === "POST" && req.url === "/v3/sessions/s1/statements") return send(200, { operationHandle: operationFor((JSON.parse(body) as { statement: string }).statement) });
      const m = /^\/v3\/sessions\/s1\/operations\/(\w+)\/result\/(\d+)\?rowFormat=JSON$/.exec(req.url ?? "");
      if (m?.[1] === "bad") return send(500, { errors: flinkErrors });
      // "endless": one row per page, then NOT_READY forever (an unbounded query).
      if (m?.[1] === "endless") {
        const token = Number(m[2]);
        endlessAsked(token);
        return send(200, {
          resultType: token < 2 ? "PAYLOAD" : "NOT_READY",
          jobID: "job-2",
          results: { columns: [], data: token < 2 ? [{ kind: "INSERT", fields: [token] }] : [] },
          nextResultUri: `/v3/sessions/s1/operations/endless/result/${token < 2 ? token + 1 : token}?rowFormat=JSON`,
        });
      }
      if (req.method === "DELETE" && req.url === "/v3/sessions/s1/operations/closefails/close")
        return send(500, {
          errors: ["org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to close operation.\nCaused by: java.lang.IllegalStateException: cannot free the job's resources"],
        });
      if (m) {
        const token = Number(m[2]);
        const page = pages[token];
        if (!page) return send(500, { errors: [`Expecting token to be ${token - 1} or ${token - 2}, but found ${token}.`] });
        return send(200, {
          resultType: page.resultType,
          jobID: page.jobID,
          resultKind: page.resultKind,
          isQueryResult: true,
          results: { columns: [{ name: "id", logicalType: { type: "INTEGER", nullable: false } }], rowFormat: "JSON", data: page.rows ?? [] },
          ...(page.resultType === "EOS" ? {} : { nextResultUri: `/v3/sessions/s1/operations/op1/result/${token + 1}?rowFormat=JSON` }),
        });
      }
      if (req.method === "DELETE") return send(200, { status: "CLOSED" });
      return send(404, { errors: ["Not found"] });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("pages are read token by token, NOT_READY re-polled, rows kept as a changelog with the job id", async () => {
    const gateway = new FlinkSqlGateway(url, { pollIntervalMs: 1, headers: { authorization: "Bearer t0ken" } });
    const session = await gateway.openSession();
    const result = await session.execute("SELECT 1");
    assert.deepEqual(result.rows, [
      { kind: "INSERT", fields: [1, "a"] },
      { kind: "UPDATE_BEFORE", fields: [1, "a"] },
      { kind: "UPDATE_AFTER", fields: [1, "b"] },
    ]);
    assert.equal(result.jobID, "job-1");
    assert.equal(result.resultKind, "SUCCESS_WITH_CONTENT");
    assert.deepEqual(
      asked.filter((a) => a.includes("/result/")).map((a) => /result\/(\d+)/.exec(a)?.[1]),
      ["0", "1", "2", "3", "4"],
    );
    assert.ok(seen.every((req) => req.headers.authorization === "Bearer t0ken"));
  });

  test("a second reader of one operation is refused (the gateway keeps only the current page)", async () => {
    const session = await new FlinkSqlGateway(url, { pollIntervalMs: 1 }).openSession();
    const operation = await session.submit("SELECT 1");
    const first = operation.pages();
    await first.next();
    await assert.rejects(operation.pages().next(), FlinkGatewayError);
    await first.return(undefined);
  });

  test("a failed statement is a FlinkGatewayError with Flink's innermost cause and the statement", async () => {
    assert.equal(flinkRootCause(flinkErrors), "Column 'nope' not found in any table");
    const session = await new FlinkSqlGateway(url).openSession();
    await assert.rejects(session.execute("SELECT nope"), (error: unknown) => {
      assert.ok(error instanceof FlinkGatewayError);
      assert.equal(error.status, 500);
      assert.match(error.message, /^Flink statement failed: Column 'nope' not found in any table\n {2}in: SELECT nope$/);
      assert.deepEqual(error.errors, flinkErrors);
      return true;
    });
  });

  test("a close() failing after EOS is reported, not swallowed", async () => {
    const session = await new FlinkSqlGateway(url, { pollIntervalMs: 1 }).openSession();
    await assert.rejects(session.execute("SELECT closefails"), (error: unknown) => {
      assert.ok(error instanceof FlinkGatewayError);
      assert.match(error.message, /close operation failed \(HTTP 500\): cannot free the job's resources/);
      assert.match(error.message, /SELECT closefails/);
      return true;
    });
  });

  test("an aborted collect() throws, saying how many rows it had, instead of returning a partial result", async () => {
    const session = await new FlinkSqlGateway(url, { pollIntervalMs: 1 }).openSession();
    const operation = await session.submit("SELECT endless");
    const abort = new AbortController();
    const pages = operation.pages(abort.signal);
    const seenRows: unknown[] = [];
    for (;;) {
      const { value } = await pages.next();
      seenRows.push(...(value?.rows ?? []));
      if (seenRows.length === 2) break;
    }
    abort.abort();
    await assert.rejects(pages.next(), (error: unknown) => error instanceof FlinkGatewayError && /aborted/.test(error.message));
    // Aborted once both rows were served (when token 2 is asked for), whatever the machine's speed.
    const again = new AbortController();
    endlessAsked = (token) => token >= 2 && again.abort();
    const other = await session.submit("SELECT endless");
    await assert.rejects(other.collect(again.signal), (error: unknown) => {
      assert.ok(error instanceof FlinkGatewayError);
      assert.match(error.message, /aborted after 2 rows: the result is incomplete/);
      return true;
    });
  });

  test("an unreachable gateway is a FlinkGatewayError naming its URL", async () => {
    await assert.rejects(new FlinkSqlGateway("http://127.0.0.1:1").openSession(), /open session: cannot reach Flink at http:\/\/127\.0\.0\.1:1/);
  });
});
