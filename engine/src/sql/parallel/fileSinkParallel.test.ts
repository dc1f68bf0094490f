/**
 * An INSERT into a filesystem table that commits partitions (one committer: the sink runs at parallelism
 * 1, as Flink's single PartitionCommitter) from a job at parallelism 2 on worker threads: the worker plans
 * the sink's stand-in at the real sink's parallelism, so both threads plan the same job (nexmark q10 failed
 * at p=2 with "the worker thread planned another job than the main thread"), and the files and committed
 * partitions are those of parallelism 1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import { directoriesWith, visibleLines } from "../connectors/filesystem/visibleLines.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-file-sink-parallel-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const csv = join(dir, "events.csv");
{
  const random = seededRandom(5);
  const base = Date.UTC(2024, 0, 1);
  const lines = Array.from({ length: 4000 }, (_, i) => `${i},${Math.floor(random() * 100)},${new Date(base + i * 61_000).toISOString().replace("T", " ").replace("Z", "")}`);
  writeFileSync(csv, `${lines.join("\n")}\n`);
}

async function files(parallelism: number): Promise<string[]> {
  const out = join(dir, `out-${parallelism}`);
  await new SqlSession().execute(`CREATE TABLE ev (id INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');
CREATE TABLE out (id INT, v INT, dt STRING, hh STRING) PARTITIONED BY (dt, hh) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv',
  'sink.partition-commit.trigger' = 'partition-time', 'sink.partition-commit.delay' = '1 h', 'sink.partition-commit.policy.kind' = 'success-file',
  'partition.time-extractor.timestamp-pattern' = '$dt $hh:00:00');
SET 'parallelism.default' = '${parallelism}';
INSERT INTO out SELECT id, v * 2, DATE_FORMAT(ts, 'yyyy-MM-dd'), DATE_FORMAT(ts, 'HH') FROM ev;`);
  return [...visibleLines(out), ...directoriesWith(out, "_SUCCESS").map((p) => `${p}|<_SUCCESS>`)].sort();
}

test("INSERT into a committing filesystem table at parallelism 2 writes and commits the files of parallelism 1", async () => {
  const one = await files(1);
  assert.ok(one.length > 4000, `${one.length} lines and partitions`);
  assert.deepEqual(await files(2), one);
});
