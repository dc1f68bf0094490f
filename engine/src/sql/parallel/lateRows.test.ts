/**
 * A file scan at parallelism above 1 with rows later than the watermark's bound: which rows a window
 * drops as late must be those of parallelism 1, as in Flink, whose file source reads a file in one
 * reader and runs the table's watermark there, before any redistribution. (Spread round-robin to
 * watermark subtasks first, each saw half the rows and the slowest held the watermark back, so fewer
 * rows were late — how many varied run to run.) The oracle case `late rows at parallelism 2` checks
 * the same against Flink.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import type { Row } from "../connectors.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-late-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Rows 37 ms apart, each up to 3 s early: with a 1 s bound, many are late. */
function writeLateEvents(path: string, n: number): void {
  const random = seededRandom(5);
  const base = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(base + i * 37 - Math.floor(random() * 3000)).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${i},k${i % 7},${ts}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

const csv = join(dir, "late.csv");
writeLateEvents(csv, 4000);
const DDL = `CREATE TABLE ev (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');`;

async function rows(parallelism: number, query: string): Promise<string[]> {
  const results = await new SqlSession().execute(`${DDL}\nSET 'parallelism.default' = '${parallelism}';\n${query}`);
  const last = results.at(-1)!;
  assert.equal(last.kind, "table");
  return (last.rows as Row[]).map((r) => JSON.stringify(r)).sort();
}

const TUMBLE = "SELECT window_start, k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k;";

test("a TUMBLE count over a file with late rows at parallelism 2 and 3 drops the rows parallelism 1 drops", async () => {
  const one = await rows(1, TUMBLE);
  const counted = one.reduce((s, r) => s + (JSON.parse(r) as number[])[2]!, 0);
  assert.ok(counted < 4000 && counted > 2000, `some rows are late at parallelism 1, not all: ${counted} counted`);
  for (const p of [2, 3, 2]) assert.deepEqual(await rows(p, TUMBLE), one, `parallelism ${p}`);
});

// The local phase runs in the scan's one subtask, so the global phase's watermark is the scan's, as one phase's is.
const TWO_PHASE = "SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE';";
const WINDOW_ONLY = "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end;";

test("in two phases (per key, and per window alone) at parallelism 2 and 3 the same rows are late as at parallelism 1", async () => {
  for (const query of [TUMBLE, WINDOW_ONLY]) {
    const one = await rows(1, query);
    for (const p of [2, 3]) assert.deepEqual(await rows(p, `${TWO_PHASE}\n${query}`), one, `parallelism ${p}: ${query}`);
  }
});
