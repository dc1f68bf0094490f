/**
 * Before/after of a change to the filesystem SQL source (reading and decoding a file's lines) in ONE
 * process, as nexmark/sqlJobAB.ts does for queries: imports the SQL session from two builds (each a
 * directory with its own `dist/`), warms both up, then alternates them, each block a scan of a file of
 * `small` and one of `lines` lines per side, and prints per side the median marginal CPU nanoseconds
 * per line ((cpu(lines) - cpu(small)) / (lines - small): planning and start-up drop out) and the ratio.
 * The query keeps no row (`WHERE amount < 0`), so what is timed is the read, the decode and a filter.
 *
 * Usage: node dist/bench/fileScanAB.js BASE NEW [csv|json] [blocks=6] [lines=300000] [small=50000] [options]
 * (`options`: more table options, e.g. ", 'csv.ignore-parse-errors' = 'true'", given to NEW only).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

const [base, next, format = "csv", blocks = "6", n = "300000", s = "50000", newOptions = ""] = process.argv.slice(2);
if (base === undefined || next === undefined) throw new Error("usage: fileScanAB.js BASE NEW [csv|json] [blocks] [lines] [small] [options]");
const [lines, small] = [Number(n), Number(s)];
const dir = mkdtempSync(join(os.tmpdir(), "sluice-filescan-ab-"));

function file(count: number): string {
  const path = join(dir, `${count}.${format}`);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const [id, name, amount, ts] = [i, `name${i % 97}`, ((i * 7919) % 10000) / 100, `2024-01-01 00:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.250`];
    out.push(format === "csv" ? `${id},${name},${amount},${ts}` : JSON.stringify({ id, name, amount, ts }));
  }
  writeFileSync(path, `${out.join("\n")}\n`);
  return path;
}

type Run = (path: string) => Promise<void>;

async function load(root: string, options: string): Promise<Run> {
  const sql = (await import(`${root}/dist/engine/src/sql/index.js`)) as { SqlSession: new () => { execute(text: string): Promise<unknown> } };
  return async (path) => {
    await new sql.SqlSession().execute(
      `CREATE TABLE t (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = '${format}'${options});\nSELECT id FROM t WHERE amount < 0`,
    );
  };
}

const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function marginal(run: Run, big: string, little: string): Promise<number> {
  const t0 = cpu();
  await run(little);
  const t1 = cpu();
  await run(big);
  const t2 = cpu();
  return ((t2 - t1 - (t1 - t0)) * 1000) / (lines - small);
}

const med = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? (v[(v.length - 1) / 2] as number) : ((v[v.length / 2 - 1] as number) + (v[v.length / 2] as number)) / 2;
};

try {
  const [big, little] = [file(lines), file(small)];
  const sides = [await load(base, ""), await load(next, newOptions)];
  for (const run of sides) await marginal(run, big, little); // warm-up
  const ns: number[][] = [[], []];
  const loads: number[] = [];
  for (let b = 0; b < Number(blocks); b++) {
    for (const i of b % 2 === 0 ? [0, 1] : [1, 0]) ns[i]?.push(await marginal(sides[i] as Run, big, little));
    loads.push(os.loadavg()[0] as number);
  }
  const [o, x] = [ns[0] as number[], ns[1] as number[]];
  console.log(`${format}, ${lines} lines (marginal over ${small}), ${blocks} blocks, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
  console.log(`base: median ${med(o).toFixed(0)} ns/line (${o.map((v) => v.toFixed(0)).join(", ")})`);
  console.log(`new:  median ${med(x).toFixed(0)} ns/line (${x.map((v) => v.toFixed(0)).join(", ")})`);
  console.log(`new/base ${(med(x) / med(o)).toFixed(3)} (per block: ${x.map((v, i) => (v / (o[i] as number)).toFixed(2)).join(", ")})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
