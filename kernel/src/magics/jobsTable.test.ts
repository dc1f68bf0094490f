import assert from "node:assert/strict";
import { test } from "node:test";
import { RestartStrategies, StreamEnvironment, sinks } from "../../../engine/src/index.js";
import { TestSource } from "../../../engine/src/testing/TestSource.js";
import { tempDir } from "../../../engine/src/testing/tempDir.js";
import type { JobView } from "../jobs/jobPresenter.js";
import { jobsTable } from "./jobsTable.js";

test("%jobs lists a job's restarts out of its strategy's limit and the last failure, with its operator and record", async () => {
  const env = StreamEnvironment.create().enableCheckpointing({ directory: tempDir("sluice-jobs-table-") });
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 0));
  let failures = 2;
  env
    .fromArray([1, 7])
    .map((x) => {
      if (x === 7 && failures-- > 0) throw new Error("boom at 7");
      return x;
    })
    .uid("map")
    .sinkTo(sinks.collect<number>());
  const job = env.execute("flaky");
  assert.equal((await job.done).status, "finished");
  const table = jobsTable([{ job, views: [] } as unknown as JobView]);
  const [head, row] = String(table["text/plain"])
    .split("\n")
    .map((line) => line.split("\t"));
  assert.equal(head?.at(-2), "restarts");
  assert.match(row?.at(-2) ?? "", /^2\/3: User function failed in job 'flaky', operator 'map' \(subtask 0\): boom at 7; record: 7$/);
  assert.match(String(table["text/html"]), /<th>restarts<\/th>[\s\S]*<td>2\/3: User function failed/);
});

test("%jobs lists a connector's notice (Kafka's skipped offsets) once, from the engine's connector status", async () => {
  const source = new TestSource<number>();
  source.connectorStatus = { state: "running", attempts: 0, since: 0, lastError: "offsets out of range, skipped: orders[0] 12 -> 40" };
  const env = StreamEnvironment.create();
  env.fromSource(source).name("orders").sinkTo(sinks.collect<number>());
  const job = env.execute("skipping");
  source.push(...Array.from({ length: 100 }, (_, i) => i));
  await job.whenIdle();
  const [head, row] = String(jobsTable([{ job, views: [] } as unknown as JobView])["text/plain"])
    .split("\n")
    .map((line) => line.split("\t"));
  assert.equal(head?.at(-1), "connectors");
  assert.equal(row?.at(-1), "'orders' offsets out of range, skipped: orders[0] 12 -> 40");
  source.end();
  await job.done;
});
