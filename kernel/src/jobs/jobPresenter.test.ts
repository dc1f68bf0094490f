/**
 * Where a job's display updates are addressed. A detached job keeps running after its cell ended;
 * nbclient only applies messages whose parent is the cell it is executing, so updates addressed to
 * the job's (finished) cell were dropped and the notebook saved a stale status line. Updates go to
 * the job's own cell and, while another cell executes, also to that cell.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { chart, StreamEnvironment, TestSource } from "../../../engine/src/index.js";
import type { IopubPublisher } from "../session/outbox.js";
import type { IopubContents, IopubType } from "../wire/protocol.js";
import { makeHeader, type Header } from "../wire/messages.js";
import { JobPresenter } from "./jobPresenter.js";
import { liveUpdates } from "./liveSettings.js";

interface Published {
  type: string;
  displayId: string;
  parent: string;
}

function fakeOutbox(published: Published[]): IopubPublisher {
  const outbox = {
    publish: (type: IopubType, content: IopubContents[IopubType], parent: Partial<Header>) => {
      published.push({ type, displayId: "transient" in content ? (content.transient.display_id ?? "") : "", parent: parent.msg_id ?? "" });
      return Promise.resolve();
    },
  };
  return outbox satisfies IopubPublisher;
}

/** Polls `condition` with a generous deadline: a loaded 2-core machine may take seconds for one update. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

async function runDetachedJob(executing: (() => Header | undefined) | undefined): Promise<{ published: Published[]; origin: Header; later: Header }> {
  liveUpdates.intervalMs = 50;
  const origin = makeHeader("execute_request", "s");
  const later = makeHeader("execute_request", "s");
  let current: Header | undefined = origin;
  const published: Published[] = [];
  const presenter = new JobPresenter(fakeOutbox(published), () => {}, executing === undefined ? undefined : () => executing() ?? current);
  const env = StreamEnvironment.create();
  const src = new TestSource<{ x: number; y: number }>();
  env.fromSource(src).sinkTo(chart.line({ x: "x:Q", y: "y:Q" }));
  const job = env.execute("detached").detach();
  const view = presenter.attach(job, { parent: origin, identities: [], allowStdin: false });
  current = later; // the job's cell ended; another cell runs
  src.push({ x: 1, y: 1 });
  await until(() => published.some((p) => p.type === "update_display_data" && p.displayId === view.views[0]!.viewId), "a chart update");
  await job.cancel();
  await view.settled;
  return { published, origin, later };
}

test("display updates go to the job's cell and, while another cell executes, to that cell too", async () => {
  const { published, origin, later } = await runDetachedJob(() => undefined);
  const first = published.filter((p) => p.type === "display_data");
  const updates = published.filter((p) => p.type === "update_display_data");
  assert.equal(first.length, 2, "status line and chart");
  assert.ok(first.every((p) => p.parent === origin.msg_id));
  const toOrigin = updates.filter((p) => p.parent === origin.msg_id);
  const mirrored = updates.filter((p) => p.parent === later.msg_id);
  assert.ok(toOrigin.length >= 2, "status and chart updates, and the final state");
  assert.equal(mirrored.length, toOrigin.length, JSON.stringify(updates));
  assert.equal(toOrigin.length + mirrored.length, updates.length);
  assert.deepEqual(new Set(updates.map((u) => u.displayId)), new Set(first.map((f) => f.displayId)));
});

test("with no other cell executing, updates go to the job's own cell only", async () => {
  const { published, origin } = await runDetachedJob(undefined);
  const updates = published.filter((p) => p.type === "update_display_data");
  assert.ok(updates.length >= 2);
  assert.ok(updates.every((p) => p.parent === origin.msg_id));
});

test("stopAll (kernel shutdown or restart) gives a running job's status line a final state that says why", async () => {
  const texts = new Map<string, string>();
  const outbox = {
    publish: (_type: IopubType, content: IopubContents[IopubType]) => {
      const id = "transient" in content ? content.transient.display_id : undefined;
      const text = "transient" in content ? content.data["text/plain"] : undefined;
      if (id !== undefined && typeof text === "string") texts.set(id, text);
      return Promise.resolve();
    },
  } satisfies IopubPublisher;
  const presenter = new JobPresenter(outbox, () => {});
  const env = StreamEnvironment.create();
  env.fromSource(new TestSource<{ x: number; y: number }>()).sinkTo(chart.line({ x: "x:Q", y: "y:Q" }));
  const job = env.execute("pv");
  const view = presenter.attach(job, { parent: makeHeader("execute_request", "s"), identities: [], allowStdin: false });
  assert.match(texts.get(view.statusId)!, /^● running/);
  await presenter.stopAll("kernel restarted", 5000);
  assert.equal(job.status, "cancelled");
  assert.match(texts.get(view.statusId)!, /^■ stopped: kernel restarted · job "pv"/);
});

test("waitBounded (%jobs wait) settles after the bounded jobs' final state and rejects with a failed job's error", async () => {
  const published: Published[] = [];
  const presenter = new JobPresenter(fakeOutbox(published), () => {});
  const env = StreamEnvironment.create();
  env
    .fromArray([1, 2])
    .map((x) => {
      if (x === 2) throw new Error("bad record");
      return x;
    })
    .sinkTo(chart.line({ x: "x:Q", y: "y:Q" }));
  const failing = env.execute("failing");
  presenter.attach(failing, { parent: makeHeader("execute_request", "s"), identities: [], allowStdin: false });
  await assert.rejects(presenter.waitBounded(), /bad record/);
  assert.equal(failing.status, "failed");
  assert.ok(
    published.some((p) => p.type === "error"),
    "the job's error was published before waitBounded settled",
  );
});
