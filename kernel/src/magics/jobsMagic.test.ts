import { test } from "node:test";
import assert from "node:assert/strict";
import { findJob, parseJobsArgs } from "./jobsMagic.js";
import { MagicUsageError } from "./magic.js";
import { jobsMagic, type KernelJobs } from "./jobsMagic.js";
import type { JobView } from "../jobs/jobPresenter.js";
import { makeHeader } from "../wire/messages.js";
import type { MagicEnv } from "./magic.js";
import { DISPLAY } from "../display/mimeBundle.js";
import { StreamEnvironment, sinks, type JobHandle } from "../../../engine/src/index.js";

const view = (name: string, status: string) => ({ job: { name, status } });

test("%jobs cancel pv counts is an error naming the extra word, not a cancel of the job pv", () => {
  assert.throws(
    () => parseJobsArgs("cancel pv counts"),
    (e: Error) => {
      assert.ok(e instanceof MagicUsageError);
      assert.match(e.message, /unexpected "counts"/);
      assert.match(e.message, /%jobs cancel "pv counts"/);
      return true;
    },
  );
  assert.deepEqual(parseJobsArgs('cancel "pv counts"'), { verb: "cancel", ref: "pv counts", quoted: true });
  assert.deepEqual(parseJobsArgs(""), { verb: "list" });
  assert.throws(() => parseJobsArgs("list x"), /unexpected "x"/);
  assert.throws(() => parseJobsArgs("show"), /name a job/);
  assert.throws(() => parseJobsArgs("kill pv"), /%jobs kill\?/);
  assert.throws(() => parseJobsArgs("cancel pv --drain"), /unknown option --drain/);
});

test("%jobs stop NAME [SAVEPOINT] [--drain]", () => {
  assert.deepEqual(parseJobsArgs('stop "page views" before-upgrade --drain'), { verb: "stop", ref: "page views", quoted: true, savepoint: "before-upgrade", drain: true });
  assert.deepEqual(parseJobsArgs("stop 2"), { verb: "stop", ref: "2", savepoint: undefined, drain: false });
  assert.throws(() => parseJobsArgs("stop pv sp more"), /unexpected "more"/);
  assert.throws(() => parseJobsArgs("stop pv --dran"), /unknown option --dran/);
});

test("names match exactly; a finished or ambiguous match says so instead of acting on another job", () => {
  const views = [view("pv", "cancelled"), view("pv counts", "running"), view("q", "running"), view("q", "running"), view("done", "finished")];
  assert.equal(findJob(views, "pv counts", "cancel"), views[1]);
  assert.throws(() => findJob(views, "pv", "cancel"), /job "pv" \(#1\) is already cancelled: nothing to cancel/);
  assert.throws(() => findJob(views, "pv coun", "cancel"), /no job named "pv coun"/);
  assert.throws(() => findJob(views, "q", "stop"), /2 running jobs are named "q": "q" \(#3\), "q" \(#4\); name one by its #/);
  assert.equal(findJob(views, "#4", "stop"), views[3]);
  assert.equal(findJob(views, "3", "cancel"), views[2]);
  assert.throws(() => findJob(views, "9", "cancel"), /no job #9: %jobs lists 5/);
  assert.equal(findJob([...views, view("2024", "running")], "2024", "cancel").job.name, "2024"); // not a #: a name
  // A bare number that is both a # and a name is refused; quotes mean the name, # the number.
  const numbered = [...views, view("1", "running")];
  assert.throws(() => findJob(numbered, "1", "cancel"), /"1" is both job #1 .* and the name of "1" \(#6\): write #1 or "1"/);
  assert.equal(findJob(numbered, "1", "cancel", true), numbered[5]);
  assert.equal(parseJobsArgs('cancel "1"').verb === "cancel" && (parseJobsArgs('cancel "1"') as { quoted?: true }).quoted, true);
  assert.throws(() => findJob(views, "5", "cancel"), /already finished/);
  // Showing a finished job is fine: its final state.
  assert.equal(findJob(views, "done", "show"), views[4]);
  assert.equal(findJob(views, "pv", "show"), views[0]);
});

function presenterOf(jobs: JobHandle[], shown: JobHandle[] = []): KernelJobs {
  const views: JobView[] = jobs.map((job) => ({ job, views: [], settled: job.done.then(() => {}), origin: makeHeader("execute_request", "s"), statusId: "status" }));
  return { list: () => views, showHere: (job) => void shown.push(job), showPolled: () => undefined, waitBounded: async () => void (await Promise.all(views.map((v) => v.settled))) };
}

const magicEnv = {} as MagicEnv;
const call = (args: string) => ({ name: "jobs", kind: "line" as const, args, body: "", bodyLine: 1 });

test("%jobs cancel refuses a finished job and cancels the running one it names", async () => {
  const env = StreamEnvironment.create();
  env.fromArray([1, 2, 3]).sinkTo(sinks.collect());
  const finished = env.execute("quick");
  await finished.done;
  env
    .fromIterable(
      (function* () {
        for (;;) yield 1;
      })(),
    )
    .sinkTo(sinks.collect());
  const running = env.execute("forever");
  const magic = jobsMagic(presenterOf([finished, running]));
  // The magic throws; runMagic turns it into the cell's error.
  await assert.rejects(magic(call("cancel quick"), magicEnv), /already finished/);
  await assert.rejects(magic(call("cancel quick forever"), magicEnv), /unexpected "forever"/);
  assert.equal(running.status, "running");
  const ok = await magic(call("cancel forever"), magicEnv);
  assert.equal(ok.status, "ok");
  const value = (ok as { result: { value: Record<symbol, () => Record<string, string>> } }).result.value;
  assert.equal(value[DISPLAY]!()["text/plain"], 'job "forever" cancelled');
  assert.equal(running.status, "cancelled");
});

test("%jobs show hands the job to the kernel's presenter, not through the engine's host", async () => {
  const env = StreamEnvironment.create();
  env.fromArray([1]).sinkTo(sinks.collect());
  const job = env.execute("shown by name");
  await job.done;
  const shown: JobHandle[] = [];
  // No engine host is attached in this process: a magic that called job.show() would throw.
  const r = await jobsMagic(presenterOf([job], shown))(call('show "shown by name"'), magicEnv);
  assert.equal(r.status, "ok");
  assert.deepEqual(shown, [job]);
});

test("%jobs wait takes no job and settles when the kernel's bounded jobs have", async () => {
  assert.deepEqual(parseJobsArgs("wait"), { verb: "wait" });
  assert.throws(() => parseJobsArgs("wait pv"), /%jobs wait takes no job; unexpected "pv"/);
  const env = StreamEnvironment.create();
  env.fromArray([1, 2, 3]).sinkTo(sinks.collect());
  const job = env.execute("bounded");
  const r = await jobsMagic(presenterOf([job]))(call("wait"), magicEnv);
  assert.equal(r.status, "ok");
  assert.equal(job.status, "finished");
});
