/**
 * The filesystem source under `csv.ignore-parse-errors` / `json.ignore-parse-errors`: which rows are
 * kept, NULLed or dropped is Flink's (test/flink-sql/cases/ignoreParseErrors.ts); these check what
 * Flink has no oracle for: each skipped error is a dead letter of the SQL job naming file, line and
 * reason, the option's value is read, and what is not a parse error still fails the job.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { JobHandle } from "../../../runtime/JobHandle.js";
import { onJobStarted } from "../../../runtime/jobRegistry.js";
import { SqlSession } from "../../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-fs-ignore-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(text: string, ext = "csv"): string {
  const path = join(dir, `f${++n}.${ext}`);
  writeFileSync(path, text);
  return path;
}

const ddl = (path: string, format: string, options = ""): string =>
  `CREATE TABLE t (id INT, v INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = '${format}'${options});\n`;

async function select(script: string): Promise<{ rows: unknown[]; letters: { reason: string; record: unknown; source?: string; line?: number }[] }> {
  // The jobs a notebook's job card shows (the kernel hears of them so); a finished query's job leaves session.jobs.
  const jobs: JobHandle[] = [];
  const stop = onJobStarted((job) => jobs.push(job));
  const results = await new SqlSession().execute(`${script}SELECT * FROM t`).finally(stop);
  const last = results[results.length - 1];
  assert.equal(last?.kind, "table");
  const letters = jobs.flatMap((j) => j.deadLetters());
  assert.equal(jobs[0]?.metrics().deadLetters, letters.length);
  return { rows: last?.kind === "table" ? last.rows : [], letters };
}

test("csv: a field that cannot be read is NULL and a row with too many fields is dropped, each a dead letter with file, line and reason", async () => {
  const path = file("1,abc,x\n2,3,y\n3,4,z,extra\n4,5\n");
  const { rows, letters } = await select(ddl(path, "csv", ", 'csv.ignore-parse-errors' = 'true'"));
  assert.deepEqual(rows, [
    [1, null, "x"],
    [2, 3, "y"],
    [4, 5, null],
  ]);
  assert.deepEqual(
    letters.map((l) => [l.source, l.line, l.record]),
    [
      [path, 1, "1,abc,x"],
      [path, 3, "3,4,z,extra"],
      [path, 4, "4,5"],
    ],
  );
  assert.match(letters[0]?.reason ?? "", /^field: v: For input string: "abc".*read as NULL/);
  assert.match(letters[1]?.reason ?? "", /^the row was dropped: Too many entries: expected at most 3/);
  assert.match(letters[2]?.reason ?? "", /Row length mismatch. 3 fields expected but was 2. \(s read as NULL\)/);
});

test("json: a malformed line is dropped and a field of the wrong type is NULL, each a dead letter", async () => {
  const path = file('{"id":1,"v":\n{"id":2,"v":true,"s":"b"}\n{"id":3,"v":3,"s":"c"}\n', "json");
  const { rows, letters } = await select(ddl(path, "json", ", 'json.ignore-parse-errors' = 'TRUE'"));
  assert.deepEqual(rows, [
    [2, null, "b"],
    [3, 3, "c"],
  ]);
  assert.deepEqual(
    letters.map((l) => l.line),
    [1, 2],
  );
  assert.match(letters[0]?.reason ?? "", /^the row was dropped: Failed to deserialize JSON '\{"id":1,"v":'/);
  assert.match(letters[1]?.reason ?? "", /^Fail to deserialize at field: v\. \(true cannot be read as INT\) \(read as NULL\)/);
});

test("without the option (or with it false) a parse error fails the job, naming file and line; a value other than true/false is refused", async () => {
  const path = file("1,2,x\n2,abc,y\n");
  await assert.rejects(new SqlSession().execute(`${ddl(path, "csv")}SELECT * FROM t`), (e: Error) => e.message.includes(`${path} line 2`) && /For input string: "abc"/.test(e.message));
  // Flink's filesystem csv reader ignores errors whenever the key is present ('false' too: CsvFileFormatFactory); Sluice reads the value.
  await assert.rejects(new SqlSession().execute(`${ddl(path, "csv", ", 'csv.ignore-parse-errors' = 'false'")}SELECT * FROM t`), /For input string: "abc"/);
  await assert.rejects(new SqlSession().execute(`${ddl(path, "csv", ", 'csv.ignore-parse-errors' = 'yes'")}SELECT * FROM t`), /'csv.ignore-parse-errors' must be true or false/);
});

test("a partition directory's value that is not of its column's type fails the job under ignore-parse-errors too, as in Flink", async () => {
  const root = join(dir, `p${++n}`);
  mkdirSync(join(root, "p=abc"), { recursive: true });
  writeFileSync(join(root, "p=abc", "a.csv"), "1,2\n");
  const script = `CREATE TABLE t (id INT, v INT, p INT) PARTITIONED BY (p) WITH ('connector' = 'filesystem', 'path' = '${root}', 'format' = 'csv', 'csv.ignore-parse-errors' = 'true');\n`;
  await assert.rejects(new SqlSession().execute(`${script}SELECT * FROM t`), /For input string: "abc"/);
});
