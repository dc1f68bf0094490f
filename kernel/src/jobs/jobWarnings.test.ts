/**
 * A job's plan warnings (an event-time window that fires only at the end of bounded input, because
 * a source has no watermark strategy) reach the cell that started it, as stderr above its status line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataGen, sinks, StreamEnvironment, TumblingEventTimeWindows } from "../../../engine/src/index.js";
import type { IopubPublisher } from "../session/outbox.js";
import type { IopubContents, IopubType } from "../wire/protocol.js";
import { makeHeader } from "../wire/messages.js";
import { JobPresenter } from "./jobPresenter.js";

test("plan warnings are printed in the job's cell as stderr, before its status line", async () => {
  const published: { type: string; content: IopubContents[IopubType]; parent: string }[] = [];
  const outbox = {
    publish: (type: IopubType, content: IopubContents[IopubType], parent: { msg_id?: string }) => {
      published.push({ type, content, parent: parent.msg_id ?? "" });
      return Promise.resolve();
    },
  } satisfies IopubPublisher;
  const presenter = new JobPresenter(outbox, () => {});
  const env = StreamEnvironment.create();
  env
    .fromSource(DataGen.pageViews({ count: 20, rate: Infinity }), undefined, "views")
    .keyBy((v) => v.page)
    .window(TumblingEventTimeWindows.of(60_000))
    .count()
    .sinkTo(sinks.collect());
  const job = env.execute("bounded, no watermarks");
  const origin = makeHeader("execute_request", "s");
  const view = presenter.attach(job, { parent: origin, identities: [], allowStdin: false });
  await job.wait();
  await view.settled;
  const first = published[0]!;
  assert.equal(first.type, "stream");
  assert.equal(first.parent, origin.msg_id);
  assert.ok("text" in first.content);
  assert.equal(first.content.name, "stderr");
  assert.match(first.content.text, /^Warning: 'window\.count' \(event-time window .*\) fires only when source 'views' ends/);
  assert.equal(published[1]!.type, "display_data", "then the status line");
  assert.equal(published.filter((p) => p.type === "stream").length, 1);
});
