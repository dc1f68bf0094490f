/**
 * The `filesystem` connector as a SQL sink (Flink's FileSystemTableSink semantics): part files in a
 * directory, `k=v/` partitions without the partition columns, rolling, exactly-once commit (hidden
 * until the checkpoint that holds them completes; a restore resumes an in-progress file at its
 * checkpointed length), partition commit with `_SUCCESS` files, and the source reading a directory
 * back with the partition columns. Flink itself is the oracle for the files' contents in
 * test/flink-sql/cases/filesystemSink.ts; these check the mechanics against the disk.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../../../api/StreamEnvironment.js";
import { generatorSource } from "../../../connectors/datagen/DataGenSource.js";
import type { SinkWriter } from "../../../sinks/Sink.js";
import { Catalog } from "../../catalog.js";
import type { Row } from "../../connectors.js";
import { parseScript } from "../../parser.js";
import { SqlSession } from "../../SqlSession.js";
import { fileSystemSink } from "./fileSystemSink.js";
import { listFiles } from "./fileSystemSource.js";
import { visibleLines } from "./visibleLines.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-fs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `t${++n}`);

/** Every file under `root`, hidden ones included, relative. */
function allFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  if (existsSync(root)) walk(root, "");
  return out.sort();
}

const ROWS = ["1,alice,10.5,2024-01-01 00:00:01", "2,bob,3.25,2024-01-01 00:00:04", "3,alice,7.0,2024-01-01 01:00:12", "4,,20.0,2024-01-01 01:00:10.5", "5,bob,1.5,2024-01-02 00:00:15"];

function source(): string {
  const path = join(dir, `src${++n}.csv`);
  writeFileSync(path, `${ROWS.join("\n")}\n`);
  return `CREATE TABLE src (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');\n`;
}

test("INSERT INTO a partitioned csv table writes part files in k=v directories, commits them and the partitions, and reads back with the partition columns", async () => {
  const out = fresh();
  const session = new SqlSession();
  await session.execute(
    `${source()}CREATE TABLE sink (id INT, amount DOUBLE, name STRING, dt STRING) PARTITIONED BY (dt, name) WITH ('connector' = 'filesystem', 'path' = 'file://${out}', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file');\n` +
      "INSERT INTO sink SELECT id, amount, name, DATE_FORMAT(ts, 'yyyy-MM-dd') FROM src",
  );
  const files = allFiles(out);
  assert.ok(
    files.every((f) => /^dt=[^/]+\/name=[^/]+\/(part-[0-9a-f-]{36}-0-\d+|_SUCCESS)$/.test(f)),
    `only committed part files and success files: ${files.join(", ")}`,
  );
  assert.deepEqual(visibleLines(out), [
    "dt=2024-01-01/name=__DEFAULT_PARTITION__|4,20.0",
    "dt=2024-01-01/name=alice|1,10.5",
    "dt=2024-01-01/name=alice|3,7.0",
    "dt=2024-01-01/name=bob|2,3.25",
    "dt=2024-01-02/name=bob|5,1.5",
  ]);
  assert.equal(files.filter((f) => f.endsWith("/_SUCCESS")).length, 4, "one success file per partition");
  const [back] = (await session.execute("SELECT id, amount, name, dt FROM sink")).slice(-1);
  assert.deepEqual(
    back?.kind === "table" ? back.rows.map((r) => JSON.stringify(r)).sort() : back,
    [
      [1, 10.5, "alice", "2024-01-01"],
      [2, 3.25, "bob", "2024-01-01"],
      [3, 7, "alice", "2024-01-01"],
      [4, 20, null, "2024-01-01"],
      [5, 1.5, "bob", "2024-01-02"],
    ].map((r) => JSON.stringify(r)),
  );
});

test("json rows and a tiny sink.rolling-policy.file-size: one part file per roll, each row once", async () => {
  const out = fresh();
  const session = new SqlSession();
  await session.execute(
    `${source()}CREATE TABLE sink (id INT, name STRING, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json', 'sink.rolling-policy.file-size' = '1b');\n` +
      "INSERT INTO sink SELECT id, name, ts FROM src",
  );
  assert.ok(listFiles(out).length >= 2, `rolled: ${allFiles(out).join(", ")}`);
  assert.deepEqual(
    allFiles(out).filter((f) => f.startsWith(".")),
    [],
    "no in-progress file left",
  );
  assert.deepEqual(visibleLines(out), [
    '|{"id":1,"name":"alice","ts":"2024-01-01 00:00:01"}',
    '|{"id":2,"name":"bob","ts":"2024-01-01 00:00:04"}',
    '|{"id":3,"name":"alice","ts":"2024-01-01 01:00:12"}',
    '|{"id":4,"name":"","ts":"2024-01-01 01:00:10.5"}',
    '|{"id":5,"name":"bob","ts":"2024-01-02 00:00:15"}',
  ]);
});

test("an updating query into a filesystem table fails as Flink's planner fails it; PARTITIONED BY checks its columns and its connector", async () => {
  const session = new SqlSession();
  await session.execute(`${source()}CREATE TABLE agg (name STRING, c BIGINT) WITH ('connector' = 'filesystem', 'path' = '${fresh()}', 'format' = 'csv')`);
  await assert.rejects(session.execute("INSERT INTO agg SELECT name, COUNT(*) FROM src GROUP BY name"), /Table sink 'default_catalog\.default_database\.agg' doesn't support consuming update changes/);
  await assert.rejects(session.execute("CREATE TABLE p (a INT) PARTITIONED BY (b) WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv')"), /Partition column 'b' not defined/);
  await assert.rejects(
    session.execute("CREATE TABLE p (a INT) PARTITIONED BY (a) WITH ('connector' = 'blackhole');\nINSERT INTO p SELECT id FROM src"),
    /partitioned table, but the underlying DynamicTableSink doesn't implement the SupportsPartitioning interface/,
  );
  await assert.rejects(
    session.execute(
      `CREATE TABLE q (a INT, p STRING) PARTITIONED BY (p) WITH ('connector' = 'filesystem', 'path' = '${fresh()}', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'metastore');\nINSERT INTO q SELECT id, name FROM src`,
    ),
    /Can not configure a 'metastore' partition commit policy for a file system table/,
  );
});

/** A partitioned table's sink writer, driven by hand as the runtime drives it (write → prepareCommit → snapshotState → commit). */
function writer(root: string, extra = "", subtask = 0): SinkWriter<Row> {
  const catalog = new Catalog();
  const text = `CREATE TABLE t (v INT, dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '${root}', 'format' = 'csv'${extra})`;
  const [parsed] = parseScript(text);
  if (parsed?.statement.kind !== "createTable") assert.fail("not a CREATE TABLE");
  catalog.createTable(parsed.statement, text);
  const table = catalog.get("t");
  if (table?.kind !== "table") assert.fail("no table");
  return fileSystemSink(table).createWriter({ jobName: "t", subtask, parallelism: 1 });
}

const rows = (from: number, to: number, hm = "10:00"): Row[] => Array.from({ length: to - from }, (_, i) => [from + i, "2024-01-01", hm]);

test("exactly once across a crash: rolled files are visible only after their checkpoint commits, and a restore truncates the in-progress file to its checkpointed length", async () => {
  const root = fresh();
  const first = writer(root, ", 'sink.rolling-policy.file-size' = '20b'");
  await first.open?.();
  // Rows 0–10 fill a file past 20 bytes ("0\n" … "10\n"): row 11 rolls it and starts a new in-progress file.
  await first.write(rows(0, 12), []);
  const committable = await first.prepareCommit?.(1);
  const state = first.snapshotState?.();
  assert.deepEqual(visibleLines(root), [], "nothing visible before the checkpoint completes");
  await first.write(rows(12, 18), []); // after the checkpoint: lost in the crash; the restore replays only 12–15 (a shorter replay shows bytes not truncated)
  await first.abort?.();
  const partition = "dt=2024-01-01/hm=10%3A00";
  assert.deepEqual(visibleLines(root), [], "a crash before the commit publishes nothing");

  const second = writer(root, ", 'sink.rolling-policy.file-size' = '20b'");
  second.restoreState?.(state);
  await second.recoverCommittables?.([committable]);
  await second.open?.();
  assert.deepEqual(
    visibleLines(root),
    rows(0, 11)
      .map((r) => `${partition}|${r[0]}`)
      .sort(),
    "the restored checkpoint's committable is published",
  );
  await second.write(rows(12, 16), []);
  await second.flush?.();
  await second.prepareCommit?.(2);
  await second.commit?.(2);
  await second.close?.();
  assert.deepEqual(
    visibleLines(root),
    rows(0, 16)
      .map((r) => `${partition}|${r[0]}`)
      .sort(),
    "each row once",
  );
  assert.deepEqual(
    allFiles(root).filter((f) => f.includes("/.")),
    [],
    "the resumed in-progress file was committed, not left behind",
  );
});

test("partition-time commit: a partition's _SUCCESS appears once the watermark of a completed checkpoint passes its time + delay", async () => {
  const root = fresh();
  const w = writer(
    root,
    ", 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.trigger' = 'partition-time', 'sink.partition-commit.delay' = '1 min', 'partition.time-extractor.timestamp-pattern' = '$dt $hm:00'",
  );
  await w.open?.();
  await w.write([...rows(0, 2, "10:00"), ...rows(2, 3, "10:01")], []);
  w.onWatermark?.(Date.UTC(2024, 0, 1, 10, 1, 0, 1)); // past 10:00 + 1 min, not 10:01 + 1 min
  await w.prepareCommit?.(1);
  assert.deepEqual(
    allFiles(root).filter((f) => f.endsWith("_SUCCESS")),
    [],
    "no success file before the checkpoint completes",
  );
  await w.commit?.(1);
  assert.deepEqual(
    allFiles(root).filter((f) => !f.split("/").at(-1)?.startsWith(".")),
    [`dt=2024-01-01/hm=10%3A00/_SUCCESS`, ...allFiles(root).filter((f) => f.startsWith("dt=2024-01-01/hm=10%3A00/part-"))].sort(),
    "10:00 committed with its rows closed and published; 10:01's rows stay in progress",
  );
  await w.flush?.();
  await w.prepareCommit?.(2);
  await w.commit?.(2);
  assert.ok(existsSync(join(root, "dt=2024-01-01/hm=10%3A01/_SUCCESS")), "the end of input commits every partition");
  assert.equal(visibleLines(root).length, 3);
  await w.close?.();
});

test("process-time commit without delay: a checkpoint closes the partition's open file, and its completion publishes the rows and the _SUCCESS file", async () => {
  const root = fresh();
  const w = writer(root, ", 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.success-file.name' = '_DONE'");
  await w.open?.();
  await w.write(rows(0, 3), []);
  await w.prepareCommit?.(1);
  assert.deepEqual(visibleLines(root), [], "nothing visible before the checkpoint completes");
  await w.commit?.(1);
  assert.equal(visibleLines(root).length, 3);
  assert.ok(existsSync(join(root, "dt=2024-01-01/hm=10%3A00/_DONE")));
  await w.close?.();
});

test("an unbounded job with periodic checkpoints: readers only ever see whole committed files, and after a stop with savepoint committed + in-progress rows are exactly the rows read", async () => {
  const root = fresh();
  const catalog = new Catalog();
  const text = `CREATE TABLE t (v INT, p STRING) PARTITIONED BY (p) WITH ('connector' = 'filesystem', 'path' = '${root}', 'format' = 'csv', 'sink.rolling-policy.file-size' = '300b')`;
  const [parsed] = parseScript(text);
  if (parsed?.statement.kind !== "createTable") assert.fail("not a CREATE TABLE");
  catalog.createTable(parsed.statement, text);
  const table = catalog.get("t");
  if (table?.kind !== "table") assert.fail("no table");
  const env = StreamEnvironment.create().enableCheckpointing({ directory: join(dir, `cp${++n}`), interval: 30 });
  env
    .fromSource(
      generatorSource<Row>("numbers", (i) => [i, `p${i % 3}`], { rate: 20_000 }),
      undefined,
      "numbers",
    )
    .sinkTo(fileSystemSink(table));
  const job = env.execute("fs-unbounded");
  const seen: number[] = [];
  const deadline = Date.now() + 60_000; // a loaded machine checkpoints slowly; the asserts below hold however far it got
  while (seen.length < 3 && job.result === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    if (!existsSync(root)) continue; // the sink creates the table's directory when it opens, which a loaded machine may not have reached
    const visible = visibleLines(root);
    // Every visible file is whole: its lines are consecutive numbers of one partition, each once.
    const numbers = visible.map((l) => Number(l.split("|")[1]));
    assert.equal(new Set(numbers).size, numbers.length, "no row twice");
    if (visible.length > (seen.at(-1) ?? 0)) seen.push(visible.length);
  }
  assert.ok(seen.length > 0, "some files were committed while the job ran");
  const stopped = await job.stop({ savepoint: "fs-stop" });
  assert.equal(stopped.result.status, "finished");
  const read = stopped.result.metrics.operators.find((o) => o.kind === "source")?.recordsIn ?? -1;
  const inProgress = allFiles(root)
    .filter((f) => f.split("/").at(-1)?.startsWith("."))
    .flatMap((f) =>
      readFileSync(join(root, f), "utf8")
        .split("\n")
        .filter((l) => l !== ""),
    );
  const all = [...visibleLines(root).map((l) => Number(l.split("|")[1])), ...inProgress.map(Number)].sort((a, b) => a - b);
  assert.deepEqual(
    all,
    Array.from({ length: read }, (_, i) => i),
    `${read} rows read: committed ${visibleLines(root).length}, in progress ${inProgress.length}`,
  );
});

test("a partition directory's value is read as its column's type, as a field of that type is (a TIMESTAMP partition too)", async () => {
  const root = fresh();
  const partition = join(root, "ts=2024-01-01 10%3A00%3A00", "n=7");
  mkdirSync(partition, { recursive: true });
  writeFileSync(join(partition, "part-0-0"), "1,2024-01-01 10:00:00,7\n");
  const session = new SqlSession();
  await session.execute(
    `CREATE TABLE t (id INT, field_ts TIMESTAMP(3), field_n INT, ts TIMESTAMP(3), n INT) PARTITIONED BY (ts, n) WITH ('connector' = 'filesystem', 'path' = '${root}', 'format' = 'csv')`,
  );
  const [back] = (await session.execute("SELECT field_ts, ts, field_n, n FROM t")).slice(-1);
  const row = back?.kind === "table" ? back.rows[0] : assert.fail(JSON.stringify(back));
  assert.deepEqual(row?.[1], row?.[0], "TIMESTAMP partition as the TIMESTAMP field");
  assert.deepEqual(row?.[3], row?.[2], "INT partition as the INT field");
});
