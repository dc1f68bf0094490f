import { test } from "node:test";
import assert from "node:assert/strict";
import { duckdbTable } from "./DuckDbTableSink.js";
import { SqlDatabase } from "./SqlDatabase.js";
import { sqlSource } from "./sqlSource.js";

const ctx = { jobName: "t", subtask: 0, parallelism: 1 };

test("append writes every record with inferred types", async () => {
  const db = await SqlDatabase.open();
  const w = duckdbTable<{ page: string; n: number; at: Date; tags: string[]; ratio: number }>("views", { database: db, columns: { ratio: "DOUBLE" } }).createWriter(ctx);
  await w.open?.();
  await w.write([{ page: "/a", n: 1, at: new Date(Date.UTC(2024, 0, 1)), tags: ["x"], ratio: 1 }], [NaN]);
  await w.write([{ page: "/b", n: 2, at: new Date(Date.UTC(2024, 0, 2)), tags: [], ratio: 0.5 }], [NaN]);
  const r = await db.run('select page, n, "at", tags, ratio from views order by page');
  assert.deepEqual(r.rows, [
    { page: "/a", n: 1, at: "2024-01-01 00:00:00", tags: '["x"]', ratio: 1 },
    { page: "/b", n: 2, at: "2024-01-02 00:00:00", tags: "[]", ratio: 0.5 },
  ]);
  const described = await db.run("select column_type from (describe views)");
  assert.deepEqual(
    described.values.map((v) => v.column_type),
    ["VARCHAR", "BIGINT", "TIMESTAMP", "JSON", "DOUBLE"],
  );
  await w.close?.();
  db.close();
});

test("upsert replaces the row with the same key, also within one batch", async () => {
  const db = await SqlDatabase.open();
  const w = duckdbTable<{ window_start: number; page: string; count: number }>("counts", {
    database: db,
    mode: "upsert",
    key: ["window_start", "page"],
    columns: { window_start: "TIMESTAMP" },
  }).createWriter(ctx);
  await w.open?.();
  await w.write(
    [
      { window_start: 0, page: "/a", count: 1 },
      { window_start: 0, page: "/a", count: 2 },
      { window_start: 0, page: "/b", count: 5 },
    ],
    [],
  );
  await w.write([{ window_start: 0, page: "/a", count: 3 }], []); // a late firing
  const r = await db.run("select page, count from counts order by page");
  assert.deepEqual(r.values, [
    { page: "/a", count: 3 },
    { page: "/b", count: 5 },
  ]);
  await w.close?.();
  db.close();
});

test("a fractional value in an inferred integer column is a clear error", async () => {
  const db = await SqlDatabase.open();
  const w = duckdbTable<{ x: number }>("nums", { database: db }).createWriter(ctx);
  await w.open?.();
  await w.write([{ x: 1 }], []);
  await assert.rejects(Promise.resolve(w.write([{ x: 1.5 }], [])), /BIGINT but got 1.5/);
  db.close();
});

test("upsert without a key is refused at definition", () => {
  assert.throws(() => duckdbTable("t", { mode: "upsert" }), /upsert needs key/);
});

test("a query source replays rows in order and resumes from its position", async () => {
  const db = await SqlDatabase.open();
  const reader = sqlSource<{ i: number }>("select range::INT as i from range(5)", [], db).createReader({ subtask: 0, parallelism: 1, jobName: "j" } as never);
  await reader.open?.();
  assert.deepEqual((await reader.poll(3)).values, [{ i: 0 }, { i: 1 }, { i: 2 }]);
  const pos = reader.snapshotPosition?.();
  const again = sqlSource<{ i: number }>("select range::INT as i from range(5)", [], db).createReader({} as never);
  await again.open?.();
  again.restorePosition?.(pos);
  assert.deepEqual(await again.poll(10), { values: [{ i: 3 }, { i: 4 }], end: true });
  db.close();
});

test("subtasks writing their first batch at once create the table once (DuckDB refuses concurrent CREATEs of one table)", async () => {
  const db = await SqlDatabase.open();
  const parallelism = 4;
  for (let round = 0; round < 5; round++) {
    const sink = duckdbTable<{ k: number; v: string }>(`par_${round}`, { database: db });
    const writers = Array.from({ length: parallelism }, (_, subtask) => sink.createWriter({ jobName: "t", subtask, parallelism }));
    await Promise.all(writers.map((w) => w.open?.()));
    await Promise.all(writers.map((w, i) => w.write([{ k: i, v: `s${i}` }], [])));
    const r = await db.run(`select count(*)::INT as n from par_${round}`);
    assert.deepEqual(r.values, [{ n: parallelism }]);
    await Promise.all(writers.map((w) => w.close?.()));
  }
  db.close();
});
