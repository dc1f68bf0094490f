/**
 * A cancelled job asks two-phase-commit sinks to drop their uncommitted output (`abort`). If that
 * fails, the job is still `cancelled` (as Flink's CANCELED, whatever a cancelled task throws), but the
 * failure is not swallowed: it is logged, naming job, operator and subtask, since output may be
 * left behind in the external system.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Sink } from "../sinks/Sink.js";
import { TestSource } from "../testing/TestSource.js";

function abortFailingSink(): Sink<number> {
  return {
    name: "txn-sink",
    createWriter: () => ({
      write() {},
      prepareCommit: () => undefined,
      commit() {},
      abort() {
        throw new Error("broker unreachable");
      },
    }),
  };
}

test("an abort that fails on cancel is logged with job, operator and subtask; the job is cancelled", async (t) => {
  const warn = t.mock.method(console, "warn", () => {});
  const env = StreamEnvironment.create();
  const src = new TestSource<number>("numbers");
  env.fromSource(src).sinkTo(abortFailingSink()).name("txn-sink");
  const job = env.execute("abort-fails");
  src.push(1, 2);
  await job.whenIdle();
  await job.cancel();
  const result = await job.done;
  assert.equal(result.status, "cancelled");
  const logged = warn.mock.calls.map((c) => String(c.arguments[0]));
  const line = logged.find((l) => l.includes("broker unreachable"));
  assert.ok(line !== undefined, `no log of the abort failure in ${JSON.stringify(logged)}`);
  assert.match(line, /Job 'abort-fails'/);
  assert.match(line, /txn-sink \(subtask 0\)/);
  assert.match(line, /abort/);
});
