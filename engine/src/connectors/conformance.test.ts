/**
 * Every source in the engine passes the source conformance test (engine/src/testing/sourceConformance.ts):
 * checkpoints cut at random moments while reads are in flight, a restore from each, and the
 * output before the barrier plus the restored output equal to an uninterrupted run (issue 13).
 * Kafka's (both clients) is test/integration/kafkaConformance.test.ts.
 *
 * A few seeds per source by default. Many, with the table of results printed:
 *   SLUICE_CONFORMANCE_SEEDS=200 node --test --test-force-exit dist/engine/src/connectors/conformance.test.js
 */
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { TestSource } from "../testing/TestSource.js";
import { checkSourceConformance, conformanceSeeds, formatConformanceTable, type ConformanceResult, type ConformanceRun, type SourceConformanceOptions } from "../testing/sourceConformance.js";
import { arraySource } from "./collection/CollectionSources.js";
import { DataGen } from "./datagen/DataGen.js";
import { sqlSource } from "./duckdb/sqlSource.js";
import { FileSource } from "./file/FileSource.js";
import { Nexmark } from "./nexmark/Nexmark.js";
import { recorded } from "./recording/recorded.js";
import type { Source } from "./Source.js";

const SEEDS = conformanceSeeds(3);
const N = 1200;
const dir = await mkdtemp(join(tmpdir(), "sluice-conformance-src-"));
const all: ConformanceResult[] = [];

const rows = Array.from({ length: N }, (_, i) => ({ id: i, user: `u${i % 37}`, pad: "x".repeat(100 + (i % 50)), note: i % 11 === 0 ? 'says "hi",\nthen bye' : `n${i}` }));
const jsonl = rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const csv = "id,user,pad,note\n" + rows.map((r) => `${r.id},${r.user},${r.pad},"${r.note.replaceAll('"', '""')}"`).join("\n") + "\n";
const text = rows.map((r) => `line ${r.id} ${r.user} ${r.pad}`).join("\n"); // no trailing newline: the last line ends the file
const files = { jsonl: join(dir, "rows.jsonl"), csv: join(dir, "rows.csv"), text: join(dir, "rows.txt") };
await writeFile(files.jsonl, jsonl);
await writeFile(files.csv, csv);
await writeFile(files.text, text);

after(async () => {
  if (all.length > 0) console.log(`\n${formatConformanceTable(all)}\n`);
  await rm(dir, { recursive: true, force: true });
});

async function conforms<T>(options: SourceConformanceOptions<T>): Promise<void> {
  const results = await checkSourceConformance(options, SEEDS);
  all.push(...results);
  const problems = results.flatMap((r) => r.problems.map((p) => `seed ${r.seed} (batch ${r.batchSize}): ${p}`));
  assert.deepEqual(problems, [], `${options.name} lost or repeated records across checkpoints`);
  assert.ok(
    results.some((r) => r.checkpoints > 0),
    `${options.name}: no checkpoint completed in ${SEEDS.length} seeds`,
  );
}

test("array source", () => conforms({ name: "array", source: () => arraySource(rows), ordered: true }));

test("JSON-lines file source", () => conforms({ name: "file jsonl", source: () => FileSource.jsonLines(files.jsonl), ordered: true }));

test("text file source", () => conforms({ name: "file lines", source: () => FileSource.lines(files.text), ordered: true }));

test("CSV file source (header, quoted fields across lines)", () => conforms({ name: "file csv", source: () => FileSource.csv(files.csv), ordered: true }));

test("CSV file source with its own column names over the header", () =>
  conforms({ name: "file csv columns", source: () => FileSource.csv(files.csv, { columns: ["key", "who", "padding", "text"] }), ordered: true }));

/** A tailed file that grows while the job reads it (a restored job finds it complete, as it was written on). */
test("tail source over a growing file", () => {
  let files = 0;
  const growing = async (run: ConformanceRun): Promise<Source<string>> => {
    const path = join(dir, `tail-${files++}.jsonl`);
    if (run.kind === "restored") {
      await writeFile(path, jsonl);
    } else {
      const start = jsonl.indexOf("\n", Math.floor(jsonl.length / 3)) + 1;
      await writeFile(path, jsonl.slice(0, start));
      void (async () => {
        // Chunks end mid-line: the tail holds a line back until its newline arrives.
        for (let at = start; at < jsonl.length; at += 4000) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          await appendFile(path, jsonl.slice(at, at + 4000));
        }
      })();
    }
    return FileSource.tail<string>(path, { format: "jsonl", pollInterval: 2 });
  };
  return conforms({ name: "tail jsonl", source: growing, expectedCount: N, ordered: true });
});

test("recorded source: recorded with checkpoints, restored by replaying the recording", () => {
  const path = (seed: number) => join(dir, `recording-${seed}.jsonl`);
  return conforms({
    name: "recording (record)",
    source: (run) => recorded(FileSource.jsonLines(files.jsonl), run.kind === "reference" ? join(dir, "recording-ref.jsonl") : path(run.seed), { mode: run.kind === "restored" ? "replay" : "record" }),
    ordered: true,
  });
});

test("recorded source: replay", async () => {
  const path = join(dir, "replayed.jsonl");
  const env = StreamEnvironment.create({ batchSize: 13 });
  await env.fromSource(recorded(FileSource.jsonLines(files.jsonl), path, { mode: "record" })).executeAndCollect();
  return conforms({ name: "recording (replay)", source: () => recorded(FileSource.jsonLines(files.jsonl), path, { mode: "replay" }), ordered: true });
});

test("DuckDB query source", () =>
  conforms({ name: "duckdb", source: () => sqlSource<{ i: number; d: string }>(`select cast(i as integer) as i, 'v' || i as d from range(${N}) t(i) order by i`), ordered: true }));

test("DataGen page views at parallelism 2", () =>
  conforms({ name: "datagen", source: () => DataGen.pageViews({ rate: Number.POSITIVE_INFINITY, count: N, maxOutOfOrderness: 2000, seed: 3 }), parallelism: 2 }));

test("Nexmark generator at parallelism 2", () => conforms({ name: "nexmark", source: () => Nexmark.source({ count: N }), parallelism: 2 }));

test("TestSource", () =>
  conforms({
    name: "TestSource",
    source: () => {
      const source = new TestSource<number>();
      source.push(...rows.map((r) => r.id));
      // Pushed later, so some polls wait for data.
      setTimeout(() => {
        source.push(...rows.map((r) => r.id + N));
        source.end();
      }, 2);
      return source;
    },
    expectedCount: 2 * N,
    ordered: true,
  }));
