/**
 * Sluice's EXPLAIN of each Top-N shape names the strategy Flink 1.20's own EXPLAIN prints for it
 * (test/flink-sql's MiniCluster JVM runs the EXPLAIN): AppendFastStrategy over an append-only input
 * (Top-1 and a range after 1 too), UpdateFastStrategy[key] over an updating input with a monotonic
 * sort key, RetractStrategy elsewhere; ORDER BY … LIMIT (Flink's SortLimit) the same way. Where Flink
 * prints a Rank, its rank range is compared too.
 *
 *   node --test --test-force-exit dist/test/integration/rankExplain.test.js
 *
 * SLUICE_FLINK_ORACLE=off leaves Flink out (the expected names are still checked).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SqlSession } from "../../engine/src/sql/SqlSession.js";
import { runFlink } from "../flink-sql/oracle.js";

const flinkOff = process.env.SLUICE_FLINK_ORACLE === "off";
const COUNTS = "(SELECT name, COUNT(*) AS c FROM t GROUP BY name)";
const SUMS = "(SELECT name, SUM(amount) AS s FROM t GROUP BY name)";
const ranked = (input: string, over: string, where: string, select = "*") => `SELECT ${select} FROM (SELECT *, ROW_NUMBER() OVER (${over}) AS rn FROM ${input}) WHERE ${where}`;

/** Each shape, and Flink's strategy (with its Rank's range, if it prints a Rank). */
const SHAPES: { name: string; query: string; flink: string }[] = [
  { name: "append", query: ranked("t", "PARTITION BY name ORDER BY amount DESC", "rn <= 2"), flink: "AppendFastStrategy rankStart=1, rankEnd=2" },
  { name: "top1", query: ranked("t", "PARTITION BY name ORDER BY amount DESC", "rn = 1", "id, name"), flink: "AppendFastStrategy rankStart=1, rankEnd=1" },
  { name: "range", query: ranked("t", "PARTITION BY name ORDER BY amount DESC", "rn > 1 AND rn <= 3"), flink: "AppendFastStrategy rankStart=2, rankEnd=3" },
  { name: "update_fast", query: ranked(COUNTS, "ORDER BY c DESC", "rn <= 2"), flink: "UpdateFastStrategy[0] rankStart=1, rankEnd=2" },
  { name: "retract", query: ranked(SUMS, "ORDER BY s DESC", "rn <= 2"), flink: "RetractStrategy rankStart=1, rankEnd=2" },
  { name: "limit", query: "SELECT id, amount FROM t ORDER BY amount DESC LIMIT 2", flink: "AppendFastStrategy" },
  { name: "limit_update_fast", query: `SELECT name, c FROM ${COUNTS} ORDER BY c DESC LIMIT 2`, flink: "UpdateFastStrategy[0]" },
  { name: "limit_retract", query: `SELECT name, s FROM ${SUMS} ORDER BY s DESC LIMIT 2`, flink: "RetractStrategy" },
];

/** The strategy (and rank range) of the plan's Rank or SortLimit: Flink's optimized execution plan, or Sluice's operator graph. */
function strategy(plan: string): string | undefined {
  const rank = /Rank\(strategy=\[(\w+(?:\[[\d,]+\])?)\], rankType=\[ROW_NUMBER\], rankRange=\[(rankStart=\d+, rankEnd=\d+)\]/.exec(plan);
  if (rank) return `${rank[1]} ${rank[2]}`;
  return /SortLimit\(.*strategy=\[(\w+(?:\[[\d,]+\])?)\]/.exec(plan)?.[1];
}

test("EXPLAIN names each Top-N shape's strategy as Flink's EXPLAIN does", { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-rank-explain-"));
  try {
    const data = join(dir, "t.csv");
    writeFileSync(data, "1,a,5.0\n2,b,3.0\n");
    const ddl = `CREATE TABLE t (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${data}', 'format' = 'csv');\n`;
    if (!flinkOff) {
      const paths = SHAPES.map((s) => {
        const path = join(dir, `${s.name}.sql`);
        writeFileSync(path, `${ddl}EXPLAIN ${s.query};\n`);
        return { path, s };
      });
      const flink = runFlink(paths, dir);
      for (const { path, s } of paths) {
        const result = flink.get(path);
        const text = result && "rows" in result ? (JSON.parse(result.rows[0] ?? "[]") as string[])[0] : JSON.stringify(result);
        const optimized = text?.split("== Optimized Execution Plan ==")[1] ?? "";
        assert.equal(strategy(optimized), s.flink, `Flink's EXPLAIN of ${s.name}: ${text}`);
      }
    }
    const session = new SqlSession();
    await session.execute(ddl);
    for (const s of SHAPES) {
      const [explained] = await session.execute(`EXPLAIN ${s.query}`);
      const text = explained?.kind === "message" ? explained.text : JSON.stringify(explained);
      // ORDER BY … LIMIT is a Rank in Sluice: its strategy is compared, not the range Flink's SortLimit prints as offset and fetch.
      const shown = strategy(text);
      assert.equal(s.name.startsWith("limit") ? shown?.split(" ")[0] : shown, s.flink, `Sluice's EXPLAIN of ${s.name}: ${text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
