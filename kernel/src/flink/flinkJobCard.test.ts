/**
 * The card of a Flink cluster's job, from the REST API's own shapes (a stand-in JobManager serving
 * what Flink 2.x answers for a two-vertex job; the real cluster is exercised by
 * test/python/test_flink_target.py with SLUICE_FLINK_TESTS=on).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { flinkGateway } from "../../../engine/src/index.js";
import { PolledDisplays, type PolledState } from "../jobs/polledDisplay.js";
import type { MimeBundle } from "../display/mimeBundle.js";
import type { Header } from "../wire/messages.js";
import { flinkJobCard, flinkJobSnapshot } from "./flinkJobCard.js";

const JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const SOURCE = "cbc357ccb763df2852fee8c4fc7d55f2";
const AGG = "90bea66de1c231edf33913ecd54406c1";
const LONG_MIN = "-9223372036854775808";

const answers: Record<string, unknown> = {
  [`/jobs/${JOB}`]: {
    jid: JOB,
    name: "insert-into_default_catalog.default_database.out",
    state: "RUNNING",
    vertices: [
      { id: AGG, name: "GroupAggregate[3] -> Sink: out[4]", parallelism: 2, status: "RUNNING", metrics: { "read-records": 1200, "write-records": 0 } },
      { id: SOURCE, name: "Source: gen[1] -> Calc[2]", parallelism: 1, status: "RUNNING", metrics: { "read-records": 0, "write-records": 1250 } },
    ],
    plan: {
      nodes: [
        { id: AGG, parallelism: 2, inputs: [{ num: 0, id: SOURCE, ship_strategy: "HASH", exchange: "pipelined_bounded" }] },
        { id: SOURCE, parallelism: 1 },
      ],
    },
  },
  [`/jobs/${JOB}/vertices/${SOURCE}/backpressure`]: {
    status: "ok",
    backpressureLevel: "high",
    "end-timestamp": 1,
    subtasks: [{ subtask: 0, backpressureLevel: "high", ratio: 0.87, idleRatio: 0, busyRatio: 0.13 }],
  },
  [`/jobs/${JOB}/vertices/${AGG}/backpressure`]: { status: "ok", backpressureLevel: "ok", "end-timestamp": 1, subtasks: [{ subtask: 0, backpressureLevel: "ok", ratio: 0, busyRatio: 1 }] },
  [`/jobs/${JOB}/vertices/${SOURCE}/watermarks`]: [{ id: "0.currentInputWatermark", value: LONG_MIN }],
  [`/jobs/${JOB}/vertices/${AGG}/watermarks`]: [
    { id: "0.currentInputWatermark", value: "1704067212000" },
    { id: "1.currentInputWatermark", value: "1704067210000" },
  ],
  [`/jobs/${JOB}/checkpoints`]: {
    counts: { restored: 0, total: 3, in_progress: 0, completed: 2, failed: 1 },
    history: [
      { id: 3, status: "FAILED", is_savepoint: false, trigger_timestamp: 1704067215000, end_to_end_duration: 40, failure_message: "Checkpoint expired before completing." },
      { id: 2, status: "COMPLETED", is_savepoint: true, trigger_timestamp: 1704067212000, end_to_end_duration: 120, checkpointed_size: 5120, external_path: "file:/tmp/sp/savepoint-a1b2c3-1" },
    ],
  },
};

let server: Server;
let url = "";
before(async () => {
  server = createServer((req, res) => {
    const body = answers[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { errors: [`Not found: ${req.url}`] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test("a Flink job's card: vertices in graph order with their edge, figures, back-pressure colour, watermark and checkpoints", async () => {
  const rest = new flinkGateway.FlinkRestClient(url);
  const card = flinkJobCard(await flinkJobSnapshot(rest, JOB), url);
  const html = String(card["text/html"]);
  const boxes = html.split('<g class="operator"').slice(1);
  assert.equal(boxes.length, 2);
  assert.match(boxes[0] ?? "", /Source: gen\[1\] -&#62; Calc\[2\]/, "the source vertex drawn first, on top");
  assert.match(boxes[0] ?? "", /fill="#ef9a9a"/);
  assert.match(boxes[0] ?? "", /back-pressure HIGH \(87%\)/);
  assert.match(boxes[0] ?? "", /watermark none yet/);
  assert.match(boxes[1] ?? "", /received 1,200 · sent 0/);
  assert.match(boxes[1] ?? "", /watermark 2024-01-01 00:00:10Z · RUNNING/, "the lowest subtask's input watermark");
  assert.match(boxes[1] ?? "", /parallelism 2/);
  assert.match(html, />HASH</, "the edge is labelled with Flink's ship strategy");
  assert.match(html, /Checkpoints: 2 completed, 1 failed/);
  assert.match(html, /<td[^>]*>2<\/td><td[^>]*>savepoint<\/td><td[^>]*>completed<\/td><td[^>]*>00:00:12\.000<\/td><td[^>]*>120 ms<\/td><td[^>]*>5\.0 KB<\/td>/);
  assert.match(html, /Checkpoint expired before completing\./);
  assert.ok(html.includes(`${url}/#/job/running/${JOB}/overview`), "links Flink's dashboard");
  assert.match(String(card["text/plain"]), /^RUNNING · Flink job "insert-into_default_catalog\.default_database\.out"/);
});

test("a REST failure while reading the job is a typed error naming what was asked", async () => {
  const rest = new flinkGateway.FlinkRestClient(url);
  await assert.rejects(flinkJobSnapshot(rest, "ffffffffffffffffffffffffffffffff"), (e: unknown) => e instanceof flinkGateway.FlinkGatewayError && /job ffff/.test((e as Error).message));
});

test("the card is refreshed in place while the job runs and keeps its final state once the job ends", async () => {
  const rest = new flinkGateway.FlinkRestClient(url);
  const job = answers[`/jobs/${JOB}`] as { state: string; vertices: { metrics: Record<string, number> }[] };
  const published: { id: string; update: boolean; html: string }[] = [];
  const displays = new PolledDisplays(
    (bundle: MimeBundle, id: string, _parent: Header, update: boolean) => void published.push({ id, update, html: String(bundle["text/html"]) }),
    () => 5,
  );
  const refresh = async (): Promise<PolledState> => {
    const snapshot = await flinkJobSnapshot(rest, JOB);
    return { bundle: flinkJobCard(snapshot, url), final: ["FINISHED", "FAILED", "CANCELED"].includes(snapshot.details.state) };
  };
  const saved = structuredClone(job);
  try {
    displays.start(await refresh(), { msg_id: "cell" } as Header, refresh, "test job");
    await until(() => published.length >= 3);
    (job.vertices[0] as { metrics: Record<string, number> }).metrics["read-records"] = 9876;
    await until(() => published.some((p) => p.html.includes("received 9,876")));
    job.state = "FINISHED";
    await until(() => displays.active === 0);
    const count = published.length;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(published.length, count, "no refresh after the final state");
    assert.equal(new Set(published.map((p) => p.id)).size, 1, "one display, updated in place");
    assert.deepEqual(published.map((p) => p.update).slice(0, 2), [false, true]);
    assert.match(published.at(-1)?.html ?? "", /finished · Flink job/);
  } finally {
    Object.assign(job, saved);
  }
});

test("a refresh that fails ends the updates with the reason on the card", async () => {
  const rest = new flinkGateway.FlinkRestClient(url);
  const published: string[] = [];
  const displays = new PolledDisplays(
    (bundle: MimeBundle) => void published.push(String(bundle["text/plain"])),
    () => 5,
  );
  let calls = 0;
  const refresh = async (): Promise<PolledState> => {
    calls++;
    return { bundle: flinkJobCard(await flinkJobSnapshot(rest, calls > 1 ? "ffffffffffffffffffffffffffffffff" : JOB), url), final: false };
  };
  displays.start(await refresh(), { msg_id: "cell" } as Header, refresh, "test job");
  await until(() => displays.active === 0);
  assert.equal(published.length, 2);
  assert.match(published[1] ?? "", /^RUNNING · Flink job[\s\S]*\nno longer refreshed: .*job ffff/);
});

/** Polls `condition` with a generous deadline: a loaded 2-core machine may take seconds for a few refreshes. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), "condition not reached in 30 s");
}
