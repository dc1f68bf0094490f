/**
 * The Flink SQL Gateway client against a real Apache Flink 2.2 session cluster (JobManager,
 * TaskManager, SQL Gateway from scripts/flink.sh): DDL, a bounded TUMBLE aggregate whose rows are
 * checked against the answer computed here, an INSERT into blackhole that FINISHES, a typed
 * error with Flink's cause, and an unbounded SELECT and an unbounded INSERT whose jobs are
 * cancelled through the REST API (the INSERT's job runs on after its gateway operation is closed).
 *
 *   node --test --test-force-exit dist/test/integration/flinkGateway.test.js
 *
 * Starts the cluster if none runs (first run downloads ~140 MB of jars into .cache/flink/) and
 * stops it afterwards unless SLUICE_FLINK_KEEP=1. SLUICE_FLINK_TESTS=off skips it (scripts/test.sh
 * sets that unless SLUICE_FLINK_TESTS=on: 45–65 s and ~1 GB are too much for the default run). Prints the
 * start time and the RSS of the three JVMs.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { FlinkGatewayError, FlinkRestClient, type FlinkSession, FlinkSqlGateway } from "../../engine/src/connectors/flinkGateway/index.js";
import { clusterRssMb, ensureFlinkCluster, flinkTestsOff, flinkVersion, stopIfStartedHere } from "./flinkCluster.js";

const N = 95;
const WINDOW_S = 10;

describe(`Flink SQL Gateway client against Flink ${flinkVersion}`, { skip: flinkTestsOff && "SLUICE_FLINK_TESTS=off" }, () => {
  let gateway: FlinkSqlGateway;
  let rest: FlinkRestClient;
  let session: FlinkSession;

  before(async () => {
    const cluster = await ensureFlinkCluster();
    console.log(`# flink cluster ready in ${(cluster.startMs / 1000).toFixed(1)} s at ${cluster.gatewayUrl} (dashboard ${cluster.restUrl})`);
    gateway = new FlinkSqlGateway(cluster.gatewayUrl);
    rest = new FlinkRestClient(cluster.restUrl);
    // UTC: the JSON rendering of window bounds must not depend on the machine's zone.
    session = await gateway.openSession({ properties: { "table.local-time-zone": "UTC" } });
    // Event time i seconds for row i = 1..N, so the windows' contents are known in advance.
    await session.execute(`
      CREATE TABLE bids (
        id BIGINT,
        ts AS TO_TIMESTAMP_LTZ(id * 1000, 3),
        WATERMARK FOR ts AS ts
      ) WITH ('connector' = 'datagen', 'number-of-rows' = '${N}',
              'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${N}')`);
  });

  after(async () => {
    await session?.close().catch(() => undefined); // the cluster may be gone already if before() failed
    console.log(`# RSS (MB) ${JSON.stringify(clusterRssMb())}`);
    await stopIfStartedHere();
  });

  test("a bounded TUMBLE aggregate comes back as INSERT rows equal to the windows computed here", async () => {
    const t0 = performance.now();
    const result = await session.execute(`
      SELECT CAST(window_start AS STRING) AS ws, COUNT(*) AS n, SUM(id) AS total
      FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '${WINDOW_S}' SECOND))
      GROUP BY window_start, window_end`);
    console.log(`# bounded TUMBLE query: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    assert.deepEqual(
      result.columns.map((c) => c.name),
      ["ws", "n", "total"],
    );
    assert.ok(result.jobID, "a query runs as a Flink job and says which");
    const expected = new Map<string, [number, number]>();
    for (let id = 1; id <= N; id++) {
      const start = Math.floor(id / WINDOW_S) * WINDOW_S;
      const ws = `${new Date(start * 1000).toISOString().replace("T", " ").replace("Z", "")}`;
      const [n, total] = expected.get(ws) ?? [0, 0];
      expected.set(ws, [n + 1, total + id]);
    }
    assert.ok(
      result.rows.every((r) => r.kind === "INSERT"),
      "a window aggregate is append-only",
    );
    const got = result.rows.map((r) => r.fields as [string, number, number]).sort((a, b) => a[0].localeCompare(b[0]));
    const want = [...expected].map(([ws, [n, total]]) => [ws, n, total]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(got, want);
  });

  test("an INSERT INTO blackhole returns its job id and the job FINISHES", async () => {
    await session.execute(`CREATE TABLE sink (ws TIMESTAMP(3), n BIGINT) WITH ('connector' = 'blackhole')`);
    const result = await session.execute(`
      INSERT INTO sink
      SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '${WINDOW_S}' SECOND))
      GROUP BY window_start, window_end`);
    assert.equal(result.columns[0]?.name, "job id");
    const jobId = result.jobID;
    assert.ok(jobId);
    assert.equal(result.rows[0]?.fields[0], jobId);
    const job = await rest.waitForState(jobId, ["FINISHED", "FAILED", "CANCELED"], 60_000);
    assert.equal(job.state, "FINISHED");
  });

  test("a statement Flink rejects fails with a FlinkGatewayError carrying Flink's cause", async () => {
    await assert.rejects(session.execute("SELECT no_such_column FROM bids"), (error: unknown) => {
      assert.ok(error instanceof FlinkGatewayError);
      assert.match(error.message, /Column 'no_such_column' not found/);
      assert.match(error.message, /SELECT no_such_column FROM bids/);
      assert.ok(error.errors.length > 0);
      return true;
    });
  });

  test("an unbounded SELECT streams rows until its job is cancelled through the REST API", async () => {
    await session.execute(`CREATE TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.id.kind' = 'random')`);
    const operation = await session.submit("SELECT id FROM ticks");
    const rows: unknown[] = [];
    for await (const page of operation.pages()) {
      rows.push(...page.rows);
      if (rows.length >= 5) break; // leaving the loop stops reading; the job goes on
    }
    const jobId = operation.jobId;
    assert.ok(jobId, "the pages carry the job id");
    assert.equal((await rest.job(jobId)).state, "RUNNING");
    await rest.cancelJob(jobId);
    const job = await rest.waitForState(jobId, ["CANCELED", "FAILED", "FINISHED"], 60_000);
    assert.equal(job.state, "CANCELED");
    await operation.close();
  });

  test("an unbounded INSERT runs on after its operation is closed, until cancelled through the REST API", async () => {
    await session.execute(`CREATE TABLE ticks2 (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20')`);
    await session.execute(`CREATE TABLE sink2 (id BIGINT) WITH ('connector' = 'blackhole')`);
    const result = await session.execute("INSERT INTO sink2 SELECT id FROM ticks2"); // closes its operation
    const jobId = result.jobID;
    assert.ok(jobId);
    const running = await rest.waitForState(jobId, ["RUNNING", "FAILED", "CANCELED", "FINISHED"], 60_000);
    assert.equal(running.state, "RUNNING");
    await rest.cancelJob(jobId);
    assert.equal((await rest.waitForState(jobId, ["CANCELED", "FAILED", "FINISHED"], 60_000)).state, "CANCELED");
  });
});
