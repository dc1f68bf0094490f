/**
 * Plan-derived uids of SQL jobs: the same query (whatever its layout) restores from its savepoint;
 * a query whose stateful operators changed fails with a typed SqlRestoreError naming the operator
 * and uid, rather than restoring state of another shape or silently starting empty. SET/RESET of
 * Flink's savepoint options.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { JobHandle } from "../../runtime/JobHandle.js";
import { SqlSession } from "../SqlSession.js";
import { SqlRestoreError } from "./sqlRestore.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-uids-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const DDL = `CREATE TABLE clicks (id INT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.k.min' = '0', 'fields.k.max' = '4')`;
const QUERY = "SELECT window_start, k, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k";

async function startJob(session: SqlSession, sql: string, restoreFrom?: string): Promise<JobHandle> {
  const results = await session.execute(sql, restoreFrom ? { restoreFrom } : {});
  const job = results.at(-1);
  assert.equal(job?.kind, "job");
  return (job as Extract<typeof job, { kind: "job" }>).job;
}

const rejects = (session: SqlSession, sql: string, message: RegExp) => assert.rejects(session.execute(sql), message, sql);

function uids(job: JobHandle): string[] {
  return job.metrics().operators.map((o) => o.uid);
}

test("the same query text gives the same uids, a changed aggregate another; a savepoint restores only into the query it was taken from", async () => {
  const session = new SqlSession({ checkpointDirectory: join(dir, "a") });
  await session.execute(DDL);
  const first = await startJob(session, QUERY);
  assert.ok(
    uids(first).every((u) => u.startsWith("sql-")),
    uids(first).join(),
  );
  await first.stop({ savepoint: "sp" });
  // Same query, other layout: the same uids, and it restores.
  const again = await startJob(session, QUERY.replace(/ /g, "\n  "), "sp");
  assert.deepEqual(uids(again), uids(first));
  await again.cancel();
  assert.equal(again.result?.status, "cancelled");
  // Another aggregate: the window operator's state has another shape, so its uid differs and the restore is refused before the job starts.
  const changed = QUERY.replace("COUNT(*) AS c", "SUM(id) AS c");
  const error = await session.execute(changed, { restoreFrom: "sp" }).then(
    () => assert.fail("restored into a changed query"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SqlRestoreError, String(error));
  assert.equal(error.savepoint, "sp");
  assert.equal(error.operator, "window aggregate");
  assert.match(error.uid ?? "", /^sql-window-aggregate-[0-9a-f]{12}$/);
  assert.match(
    error.message,
    /Savepoint 'sp' does not fit this query: the plan changed since the savepoint was taken: operator 'window aggregate' \(uid sql-window-aggregate-\w+\) has no state in it, so it would start empty; it holds state of operator 'window aggregate' \(uid sql-window-aggregate-/,
  );
  assert.equal(session.jobs.filter((j) => j.metrics().status === "running").length, 0);
});

test("a savepoint of an older plan of the same query (other uids) fails with a message naming the operator and uid and saying the plan changed", async () => {
  const session = new SqlSession({ checkpointDirectory: join(dir, "c") });
  await session.execute(DDL);
  const first = await startJob(session, QUERY);
  const planned = new Map(first.metrics().operators.map((o) => [o.name, o.uid]));
  await first.stop({ savepoint: "old" });
  // As an earlier planner wrote it: the same operators under other uids (their hash of another plan shape).
  const file = join(dir, "c", "savepoint-old.json");
  const saved = JSON.parse(readFileSync(file, "utf8")) as { operators: { uid: string }[] };
  for (const o of saved.operators) o.uid = o.uid.replace(/-[0-9a-f]{12}/, "-0123456789ab");
  writeFileSync(file, JSON.stringify(saved));
  const error = await session.execute(QUERY, { restoreFrom: "old" }).then(
    () => assert.fail("restored a savepoint of another plan"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SqlRestoreError, String(error));
  assert.equal(error.savepoint, "old");
  assert.ok(error.uid !== undefined && [...planned.values()].includes(error.uid), `the uid of an operator of this plan: ${error.uid}`);
  assert.equal(error.operator, [...planned].find(([, uid]) => uid === error.uid)?.[0]);
  assert.match(error.message, /^Savepoint 'old' does not fit this query: the plan changed since the savepoint was taken: operator '[^']+' \(uid sql-[\w-]+\).* no state in it/);
  assert.match(error.message, /it holds state of operator '[^']+' \(uid sql-[\w-]+-0123456789ab\)/, "the savepoint's operator and uid");
  assert.match(error.message, /the same query as another version of Sluice plans it, has other uids/);
  assert.equal(session.jobs.filter((j) => j.metrics().status === "running").length, 0);
});

test("a query with a stateful operator the savepoint has no state for is refused (it would start empty), unless told to ignore", async () => {
  const session = new SqlSession({ checkpointDirectory: join(dir, "b") });
  await session.execute(DDL);
  const first = await startJob(session, "SELECT id, k FROM clicks WHERE k > 1");
  await first.stop({ savepoint: "rows" });
  await assert.rejects(
    session.execute(QUERY, { restoreFrom: "rows" }),
    (e: unknown) =>
      e instanceof SqlRestoreError && e.operator === "window aggregate" && /operator 'window aggregate' \(uid sql-window-aggregate-\w+\) has no state in it, so it would start empty/.test(e.message),
  );
  // Flink's SET: the savepoint applies to every later job until RESET; a missing one is a typed error too.
  await session.execute("SET 'execution.savepoint.path' = 'nope'");
  await assert.rejects(session.execute("SELECT id FROM clicks"), (e: unknown) => e instanceof SqlRestoreError && /Cannot restore from savepoint 'nope'/.test(e.message));
  await session.execute("RESET 'execution.savepoint.path'");
  const [, , options] = await session.execute(`SET 'state.savepoints.dir' = '${join(dir, "b")}'; SET 'pipeline.name' = 'x'; SET;`);
  assert.deepEqual(options?.kind === "table" && options.rows, [
    ["pipeline.name", "x"],
    ["state.savepoints.dir", join(dir, "b")],
  ]);
  const fresh = await startJob(session, "SELECT id, k FROM clicks WHERE k > 1", "rows");
  await fresh.cancel();
  // Periodic checkpoints by Flink's key and duration syntax; a value that is no duration fails at its statement.
  await rejects(session, "SET 'execution.checkpointing.interval' = 'soon'", /Could not parse value 'soon' for key 'execution.checkpointing.interval'/);
  await session.execute("SET 'execution.checkpointing.interval' = '50 ms'");
  const periodic = await startJob(session, "SELECT id, k FROM clicks");
  while (periodic.metrics().checkpoints.completed < 2) await new Promise((r) => setTimeout(r, 10));
  await periodic.cancel();
});
