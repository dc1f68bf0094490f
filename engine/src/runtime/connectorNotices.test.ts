import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { TestSource } from "../testing/TestSource.js";

test("a connector's reported trouble is in the job's metrics, once per subtask, not per record; a quiet one adds nothing", async () => {
  const reports: { state: string; attempts: number; since: number; lastError?: string }[] = [{ state: "running", attempts: 0, since: 5 }];
  const source = Object.assign(new TestSource<number>(), { status: () => reports });
  const env = StreamEnvironment.create();
  env.fromSource(source).name("orders").sinkTo(sinks.collect<number>());
  const job = env.execute("connector status");
  source.push(1, 2);
  await job.whenIdle();
  assert.equal(job.metrics().connectors, undefined, "running with nothing to report: no entry");

  reports[0] = { state: "running", attempts: 0, since: 7, lastError: "offsets out of range, skipped: orders[0] 12 -> 40" };
  source.push(3, 4, 5);
  await job.whenIdle();
  assert.deepEqual(job.metrics().connectors, [{ operator: "orders", subtask: 0, state: "running", message: "offsets out of range, skipped: orders[0] 12 -> 40", since: 7 }]);

  reports[0] = { state: "retrying", attempts: 3, since: 9, lastError: "connect ECONNREFUSED" };
  assert.deepEqual(
    job.metrics().connectors?.map((c) => [c.state, c.message]),
    [["retrying", "connect ECONNREFUSED"]],
  );
  source.end();
  assert.equal((await job.done).status, "finished");
});

test("a source whose status() is not a connector's per-subtask list is left alone", async () => {
  const source = Object.assign(new TestSource<number>(), { status: async () => "RUNNING" });
  const env = StreamEnvironment.create();
  env.fromSource(source).sinkTo(sinks.collect<number>());
  const job = env.execute("other status");
  source.end();
  assert.equal((await job.done).metrics.connectors, undefined);
});
