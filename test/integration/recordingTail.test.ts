/**
 * Recording a real growing file (FileSource.tail) while another writer appends to it, then replaying
 * after the file has changed: the replay gives the recording run's windowed results, and the
 * recording holds exactly the lines the tail read.
 */
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { FileSource } from "../../engine/src/connectors/file/FileSource.js";
import { recorded } from "../../engine/src/connectors/recording/recorded.js";
import type { Source } from "../../engine/src/connectors/Source.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { Time } from "../../engine/src/time/Time.js";
import { WatermarkStrategy } from "../../engine/src/time/WatermarkStrategy.js";
import { Aggregators } from "../../engine/src/windows/AggregateFunction.js";
import type { WindowResult } from "../../engine/src/windows/WindowFunction.js";
import { TumblingEventTimeWindows } from "../../engine/src/windows/WindowAssigner.js";

interface Reading {
  sensor: string;
  ts: number;
  value: number;
}

const dir = await mkdtemp(join(tmpdir(), "sluice-rec-tail-"));
after(() => rm(dir, { recursive: true, force: true }));

/** Appends random readings in small bursts until stopped, like a service writing its log. */
function startWriter(path: string, startTs: number): { stop: () => Promise<void>; written: () => number } {
  let ts = startTs;
  let count = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let text = "";
      for (let k = 0; k < 20; k++, count++) {
        ts += Math.floor(Math.random() * 300);
        const r: Reading = { sensor: `s${Math.floor(Math.random() * 4)}`, ts: ts - Math.floor(Math.random() * 1_500), value: Math.random() };
        text += `${JSON.stringify(r)}\n`;
      }
      await appendFile(path, text);
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
    written: () => count,
  };
}

async function windowedCounts(source: Source<Reading>): Promise<WindowResult<string, number>[]> {
  const env = StreamEnvironment.create({ batchSize: 50 });
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(
      source,
      WatermarkStrategy.forBoundedOutOfOrderness<Reading>(Time.seconds(1)).withTimestampAssigner((r) => r.ts),
    )
    .keyBy((r) => r.sensor)
    .window(TumblingEventTimeWindows.of(Time.seconds(2)))
    .allowedLateness(200)
    .aggregateWithWindow(Aggregators.count())
    .sinkTo(out);
  await env.execute("tail windows").wait();
  return out.values;
}

test("a tailed file, recorded while it grows, replays to the same windowed result after the file changed", async () => {
  const log = join(dir, "readings.jsonl");
  const recording = join(dir, "recordings", "readings.jsonl");
  await writeFile(log, "");
  const writer = startWriter(log, 1_700_000_000_000);
  let first: WindowResult<string, number>[];
  try {
    first = await windowedCounts(recorded(FileSource.tail<Reading>(log, { format: "jsonl", pollInterval: 20 }), recording, { maxRecords: 1_500 }));
  } finally {
    await writer.stop();
  }
  assert.ok(writer.written() >= 1_500, "the writer was still appending when the recording reached maxRecords");
  assert.ok(first.length > 10, `some windows fired (${first.length})`);

  // The recording holds the tailed file's first 1500 lines, in order.
  const logLines = (await readFile(log, "utf8"))
    .split("\n")
    .slice(0, 1_500)
    .map((l) => JSON.parse(l) as Reading);
  const recLines = (await readFile(recording, "utf8")).trimEnd().split("\n");
  assert.equal(recLines.length, 1_502);
  assert.equal((JSON.parse(recLines.at(-1)!) as { end: { reason: string } }).end.reason, "maxRecords");
  assert.deepEqual(
    recLines.slice(1, -1).map((l) => (JSON.parse(l) as { v: Reading }).v),
    logLines,
  );

  // The live file is now different (replaced): only the recording can give the same answer.
  await writeFile(log, `${JSON.stringify({ sensor: "other", ts: 0, value: 0 })}\n`);
  const tail = FileSource.tail<Reading>(log, { format: "jsonl", pollInterval: 20 });
  const replay = recorded(tail, recording, { maxRecords: 1_500 });
  const second = await windowedCounts(replay);
  assert.equal(replay.lastRun()?.mode, "replay");
  assert.deepEqual(second, first);
});

test("maxDuration ends the recording of a file that stops growing", async () => {
  const log = join(dir, "quiet.jsonl");
  const recording = join(dir, "recordings", "quiet.jsonl");
  await writeFile(log, "");
  const writer = startWriter(log, 1_700_000_000_000);
  await new Promise((r) => setTimeout(r, 100));
  await writer.stop();
  const source = recorded(FileSource.tail<Reading>(log, { format: "jsonl", pollInterval: 50 }), recording, { maxDuration: Time.seconds(1) });
  const first = await windowedCounts(source);
  const run = source.lastRun()!;
  assert.deepEqual({ ...run, records: 0 }, { mode: "record", path: recording, records: 0, complete: true });
  const lines = (await readFile(recording, "utf8")).trimEnd().split("\n");
  const footer = (JSON.parse(lines.at(-1)!) as { end: { reason: string; records: number; durationMs: number } }).end;
  assert.equal(footer.reason, "maxDuration");
  assert.ok(footer.durationMs >= 1_000);
  // What was read in that second (on a loaded machine perhaps not all of it) is the file's beginning.
  assert.ok(footer.records > 0 && footer.records === run.records && footer.records <= writer.written());
  const logLines = (await readFile(log, "utf8"))
    .split("\n")
    .slice(0, footer.records)
    .map((l) => JSON.parse(l) as Reading);
  assert.deepEqual(
    lines.slice(1, -1).map((l) => (JSON.parse(l) as { v: Reading }).v),
    logLines,
  );
  assert.deepEqual(await windowedCounts(recorded(FileSource.tail<Reading>(log, { format: "jsonl" }), recording, { maxDuration: Time.seconds(1) })), first);
});
