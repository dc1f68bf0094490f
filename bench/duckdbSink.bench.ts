/**
 * DuckDB sink ingestion: the sink's appender + staging path against plain multi-row INSERTs
 * with bound parameters, side by side in one process, alternating runs.
 * Run: npm run build && node dist/bench/duckdbSink.bench.js [rows]
 */
import { duckdb, SqlDatabase } from "../engine/src/index.js";
import { median, printTable } from "./table.js";

type Row = { window_start: number; page: string; views: number };
const ROWS = Number(process.argv[2] ?? 200_000);
const BATCH = 1_000;
const ctx = { jobName: "bench", subtask: 0, parallelism: 1 };

function batches(): Row[][] {
  const out: Row[][] = [];
  for (let i = 0; i < ROWS; i += BATCH) {
    out.push(Array.from({ length: Math.min(BATCH, ROWS - i) }, (_, j) => ({ window_start: (i + j) * 1000, page: `/p${(i + j) % 97}`, views: (i + j) % 13 })));
  }
  return out;
}

async function viaSink(mode: "append" | "upsert", data: Row[][]): Promise<number> {
  const db = await SqlDatabase.open();
  const w = duckdb.table<Row>("t", { database: db, mode, key: ["window_start", "page"], columns: { window_start: "TIMESTAMP" } }).createWriter(ctx);
  await w.open?.();
  const t = performance.now();
  for (const b of data) await w.write(b, []);
  const s = (performance.now() - t) / 1000;
  await w.close?.();
  db.close();
  return ROWS / s;
}

async function viaInserts(data: Row[][]): Promise<number> {
  const db = await SqlDatabase.open();
  await db.run("create table t(window_start TIMESTAMP, page VARCHAR, views BIGINT)");
  const t = performance.now();
  for (const b of data) {
    const values = b.map(() => "(epoch_ms(?::BIGINT), ?, ?)").join(", ");
    await db.run(
      `insert into t values ${values}`,
      b.flatMap((r) => [r.window_start, r.page, r.views]),
    );
  }
  const s = (performance.now() - t) / 1000;
  db.close();
  return ROWS / s;
}

const data = batches();
const runs = { appender: [] as number[], upsert: [] as number[], inserts: [] as number[] };
for (let i = 0; i < 3; i++) {
  runs.appender.push(await viaSink("append", data));
  runs.inserts.push(await viaInserts(data));
  runs.upsert.push(await viaSink("upsert", data));
}
const base = median(runs.inserts);
printTable(
  `DuckDB sink ingestion, ${ROWS.toLocaleString("en-US")} rows in batches of ${BATCH} (median of 3)`,
  ["path", "rows/s", "vs inserts"],
  [
    ["sink append (appender + staging)", median(runs.appender), `${(median(runs.appender) / base).toFixed(1)}x`],
    ["sink upsert (appender + INSERT OR REPLACE)", median(runs.upsert), `${(median(runs.upsert) / base).toFixed(1)}x`],
    ["multi-row INSERT with bound parameters", base, "1.0x"],
  ],
);
