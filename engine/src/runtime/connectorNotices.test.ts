import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Sink } from "../sinks/Sink.js";
import { sinks } from "../sinks/sinks.js";
import { TestSource } from "../testing/TestSource.js";

test("a connector's reported trouble is in the job's metrics, once per subtask, not per record; a quiet one adds nothing", async () => {
  const source = new TestSource<number>();
  source.connectorStatus = { state: "running", attempts: 0, since: 5 };
  const env = StreamEnvironment.create();
  env.fromSource(source).name("orders").sinkTo(sinks.collect<number>());
  const job = env.execute("connector status");
  source.push(1, 2);
  await job.whenIdle();
  assert.equal(job.metrics().connectors, undefined, "running with nothing to report: no entry");

  source.connectorStatus = { state: "running", attempts: 0, since: 7, lastError: "offsets out of range, skipped: orders[0] 12 -> 40" };
  source.push(3, 4, 5);
  await job.whenIdle();
  assert.deepEqual(job.metrics().connectors, [{ operator: "orders", subtask: 0, state: "running", message: "offsets out of range, skipped: orders[0] 12 -> 40", since: 7 }]);

  source.connectorStatus = { state: "retrying", attempts: 3, since: 9, lastError: "connect ECONNREFUSED" };
  assert.deepEqual(
    job.metrics().connectors?.map((c) => [c.state, c.message]),
    [["retrying", "connect ECONNREFUSED"]],
  );
  source.end();
  assert.equal((await job.done).status, "finished");
});

test("a sink writer's connectorStatus() is in the job's metrics under the sink's name", async () => {
  const alerts: Sink<number> = {
    name: "alerts",
    createWriter: () => ({ write: () => {}, connectorStatus: () => ({ state: "retrying", attempts: 2, since: 3, lastError: "503 Service Unavailable" }) }),
  };
  const env = StreamEnvironment.create();
  env.fromArray([1, 2, 3]).sinkTo(alerts).name("alerts");
  const { metrics } = await env.execute("sink status").done;
  assert.deepEqual(metrics.connectors, [{ operator: "alerts", subtask: 0, state: "retrying", message: "503 Service Unavailable", since: 3 }]);
});

test("a custom sink's own status() (its deliveries, one failed) is not read as a connector's: only connectorStatus() is", async () => {
  // Before the typed contract, any status() returning a list was taken for per-subtask connector statuses:
  // this sink's failed delivery showed as "connector 'mail' failed: mailbox full" on subtask 0.
  const deliveries = [{ state: "failed", attempts: 1, since: 1, lastError: "mailbox full" }];
  const mail: Sink<number> & { status(): typeof deliveries } = { name: "mail", createWriter: () => ({ write: () => {} }), status: () => deliveries };
  const env = StreamEnvironment.create();
  env.fromArray([1, 2, 3]).sinkTo(mail).name("mail");
  const { status, metrics } = await env.execute("own status").done;
  assert.equal(status, "finished");
  assert.equal(metrics.connectors, undefined);
});
