/**
 * Statement sets: several INSERTs planned into one job whose shared table is scanned once, in both
 * of Flink's spellings; plain consecutive INSERTs stay one job each (Flink's SQL client). The
 * oracle for the tables the INSERTs fill is DuckDB's own query over the same CSV.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { query } from "../../connectors/duckdb/sharedDatabase.js";
import type { JobHandle } from "../../runtime/JobHandle.js";
import { SqlSession, StreamSqlError } from "../index.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-set-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const csv = join(dir, "in.csv");
writeFileSync(csv, Array.from({ length: 300 }, (_, i) => `k${i % 7},${(i * 37) % 100}`).join("\n") + "\n");
const read = `read_csv('${csv}', header = false, columns = {'k': 'VARCHAR', 'v': 'INT'})`;

/** A session whose jobs the test sees (to read their operators' metrics). */
function session(): { session: SqlSession; jobs: JobHandle[] } {
  const jobs: JobHandle[] = [];
  const s = new SqlSession({
    createEnvironment: () => {
      const env = StreamEnvironment.create();
      const execute = env.execute.bind(env);
      env.execute = (name, options) => {
        const job = execute(name, options);
        jobs.push(job);
        return job;
      };
      return env;
    },
  });
  return { session: s, jobs };
}

const ddl = (suffix: string): string => `CREATE TABLE src (k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');
CREATE TABLE big (k STRING, v INT) WITH ('connector' = 'duckdb', 'table-name' = 'set_big_${suffix}');
CREATE TABLE counts (k STRING, c BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'duckdb', 'table-name' = 'set_counts_${suffix}');
`;

for (const [spelling, set] of [
  ["EXECUTE STATEMENT SET BEGIN … END", "EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO big SELECT k, v FROM src WHERE v >= 60;\n  INSERT INTO counts SELECT k, COUNT(*) FROM src GROUP BY k;\nEND;"],
  ["BEGIN STATEMENT SET; … END", "BEGIN STATEMENT SET;\nINSERT INTO big SELECT k, v FROM src WHERE v >= 60;\nINSERT INTO counts SELECT k, COUNT(*) FROM src GROUP BY k;\nEND;"],
] as const) {
  test(`${spelling}: both INSERTs run as one job that scans the shared table once`, async () => {
    const suffix = spelling.startsWith("EXECUTE") ? "a" : "b";
    const { session: s, jobs } = session();
    const results = await s.execute(ddl(suffix) + set);
    assert.equal(jobs.length, 1, "one job for the statement set");
    assert.match((results.at(-1) as { text: string }).text, /STATEMENT SET \(2 INSERTs into big, counts\) finished/);
    const sources = (jobs[0] as JobHandle).metrics().operators.filter((o) => o.kind === "source");
    assert.equal(sources.length, 1, "the table is scanned once");
    assert.equal(sources[0]?.recordsOut, 300);
    const big = (await query(`SELECT k, v::INT AS v FROM set_big_${suffix} ORDER BY k, v`)).values;
    const wantBig = (await query(`SELECT k, v FROM ${read} WHERE v >= 60 ORDER BY k, v`)).values;
    assert.deepEqual(big, wantBig);
    const counts = (await query(`SELECT k, c::BIGINT AS c FROM set_counts_${suffix} ORDER BY k`)).values;
    const wantCounts = (await query(`SELECT k, COUNT(*)::BIGINT AS c FROM ${read} GROUP BY k ORDER BY k`)).values;
    assert.deepEqual(counts, wantCounts);
  });
}

test("consecutive INSERTs outside a statement set are one job each, as in Flink's SQL client", async () => {
  const { session: s, jobs } = session();
  await s.execute(`${ddl("c")}INSERT INTO big SELECT k, v FROM src WHERE v >= 60;\nINSERT INTO counts SELECT k, COUNT(*) FROM src GROUP BY k;`);
  assert.equal(jobs.length, 2);
  for (const job of jobs) assert.equal(job.metrics().operators.filter((o) => o.kind === "source").length, 1);
});

test("a statement set takes only INSERTs, and must be closed by END", async () => {
  const { session: s } = session();
  await assert.rejects(
    s.execute(`${ddl("d")}EXECUTE STATEMENT SET BEGIN\n  SELECT k FROM src;\nEND;`),
    (e: unknown) => e instanceof StreamSqlError && /only INSERT INTO/.test(e.message) && e.position?.line === 5,
  );
  await assert.rejects(s.execute("BEGIN STATEMENT SET;\nINSERT INTO big SELECT k, v FROM src;"), (e: unknown) => e instanceof StreamSqlError && /expected END/.test(e.message));
});
