import assert from "node:assert/strict";
import { test } from "node:test";
import { type JobHandle, type JobMetrics, SqlSession } from "../../../engine/src/index.js";
import { RateMeter, statusBundle } from "./statusLine.js";

const metrics = (over: Partial<JobMetrics>): JobMetrics => ({
  jobName: "counts",
  status: "running",
  startedAt: 0,
  endedAt: undefined,
  watermark: Number.NEGATIVE_INFINITY,
  deadLetters: 0,
  checkpoints: { restoredFrom: undefined, completed: 41, failed: 0, lastPath: undefined },
  operators: [],
  watermarkHold: undefined,
  ...over,
});
const job = { name: "counts", result: undefined, threads: { parallelism: 1, workers: 0 } } as unknown as JobHandle;

test("a restarting job's status line says how often, from which checkpoint, and why", () => {
  const m = metrics({ status: "restarting", restarts: { count: 3, lastFailure: "KafkaTransactionError: connect ECONNREFUSED", lastFailureAt: 0, restoringFrom: 41 } });
  const bundle = statusBundle(job, m, 0);
  assert.match(String(bundle["text/plain"]), /^↻ restarting \(3\) from checkpoint 41: KafkaTransactionError: connect ECONNREFUSED · job "counts"/);
  assert.match(String(bundle["text/html"]), /restarting \(3\) from checkpoint 41/);
  const fresh = statusBundle(job, metrics({ status: "restarting", restarts: { count: 1, lastFailure: "boom", lastFailureAt: 0, restoringFrom: undefined } }), 0);
  assert.match(String(fresh["text/plain"]), /restarting \(1\) from the start: boom/);
});

test("a running job that restarted says how often", () => {
  const m = metrics({ restarts: { count: 2, lastFailure: "boom", lastFailureAt: 0, restoringFrom: 40 } });
  assert.match(String(statusBundle(job, m, 10)["text/plain"]), /^● running · .* · restarts 2 \(last: boom\)/);
});

test("restarts out of the strategy's limit, and the cause with its operator and record on one line", () => {
  const lastFailure = "User function failed in job 'counts', operator 'map' (subtask 0): boom at 7\n  record: 7";
  const restarting = statusBundle(job, metrics({ status: "restarting", restarts: { count: 3, maxAttempts: 10, lastFailure, lastFailureAt: 0, restoringFrom: undefined } }), 0);
  assert.match(String(restarting["text/plain"]), /^↻ restarting \(3\/10\) from the start: User function failed in job 'counts', operator 'map' \(subtask 0\): boom at 7; record: 7 · job "counts"/);
  const running = statusBundle(job, metrics({ restarts: { count: 3, maxAttempts: 10, lastFailure, lastFailureAt: 0, restoringFrom: undefined } }), 0);
  assert.match(String(running["text/plain"]), / · restarts 3\/10 \(last: User function failed .*operator 'map'.*record: 7\)/);
  assert.match(String(running["text/html"]), /restarts 3\/10 \(last: User function failed in job &#39;counts&#39;|restarts 3\/10 \(last: User function failed in job 'counts'/);
  const long = statusBundle(job, metrics({ restarts: { count: 1, lastFailure: "x".repeat(500), lastFailureAt: 0, restoringFrom: undefined } }), 0);
  assert.match(String(long["text/plain"]), /restarts 1 \(last: x{119}…\)/, "a long cause is cut, the line stays a line");
});

test("the rate starts over, never negative, when a restarted job's counters start over", () => {
  const meter = new RateMeter();
  meter.sample(0, 0);
  meter.sample(40_000, 1_000);
  assert.equal(meter.rate, 40_000);
  meter.sample(100, 1_250); // a fresh attempt counts from 0
  assert.equal(meter.rate, 0);
  meter.sample(1_100, 1_500);
  assert.equal(meter.rate, 4_000);
});

test("a parallel job's status line says where it runs: worker threads, or one thread for a job defined in a cell", () => {
  const on = (parallelism: number, workers: number) => String(statusBundle({ ...job, threads: { parallelism, workers } } as unknown as JobHandle, metrics({}), 0)["text/plain"]);
  assert.match(on(2, 2), / · job "counts" · p=2 on 2 worker threads · /);
  assert.match(on(3, 1), /p=3 on 1 worker thread · /);
  assert.match(on(2, 0), / · p=2 on one thread \(defined in a cell\) · /);
  assert.doesNotMatch(on(1, 0), /p=1|thread/);
});

test("a SQL job kept on one thread by SET 'sluice.parallel.workers' = 'false' says so, not that it was defined in a cell", async () => {
  const session = new SqlSession();
  const results = await session.execute(
    `CREATE TABLE gen (k INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
    SET 'parallelism.default' = '2';
    SET 'sluice.parallel.workers' = 'false';
    SELECT k, v FROM gen`,
  );
  const started = results.at(-1);
  assert.equal(started?.kind, "job");
  try {
    const line = String(statusBundle(started.job, started.job.metrics(), 0)["text/plain"]);
    assert.match(line, / · p=2 on one thread \(SET 'sluice\.parallel\.workers' = 'false'\) · /);
    assert.ok(
      started.job.warnings.some((w) => /parallelism 2 runs on one thread: SET 'sluice\.parallel\.workers' = 'false'/.test(w)),
      started.job.warnings.join("; "),
    );
  } finally {
    await started.job.cancel();
  }
});

test("a STATEMENT SET at parallelism 2 says it runs on one thread because statement sets do not run on workers yet", async () => {
  const session = new SqlSession();
  const results = await session.execute(
    `CREATE TABLE gen (k INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
    CREATE TABLE nowhere (k INT, v INT) WITH ('connector' = 'blackhole');
    SET 'parallelism.default' = '2';
    EXECUTE STATEMENT SET BEGIN INSERT INTO nowhere SELECT k, v FROM gen; END;`,
  );
  const started = results.at(-1);
  assert.equal(started?.kind, "job");
  try {
    assert.match(String(statusBundle(started.job, started.job.metrics(), 0)["text/plain"]), / · p=2 on one thread \(a STATEMENT SET does not run on worker threads yet\) · /);
  } finally {
    await started.job.cancel();
  }
});

test("a connector's trouble or notice shows once in the status line: the first, and how many more", () => {
  const skip = { operator: "orders", subtask: 0, state: "running", message: "offsets out of range, skipped: orders[0] 12 -> 40", since: 0 };
  const one = String(statusBundle(job, metrics({ connectors: [skip] }), 0)["text/plain"]);
  assert.match(one, / · connector 'orders' offsets out of range, skipped: orders\[0\] 12 -> 40(?: · |$)/);
  assert.equal(one.split("offsets out of range").length, 2, "once");
  const retrying = { operator: "orders", subtask: 1, state: "retrying", message: "connect ECONNREFUSED", since: 0 };
  const two = String(statusBundle(job, metrics({ connectors: [retrying, skip] }), 0)["text/plain"]);
  assert.match(two, / · connector 'orders' subtask 1 retrying: connect ECONNREFUSED \(\+1 more\)/);
  assert.doesNotMatch(String(statusBundle(job, metrics({}), 0)["text/plain"]), /connector/);
});
