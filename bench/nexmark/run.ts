/**
 * Nexmark, Sluice against Flink on this machine: every query at each parallelism, one process per run
 * (so peak RSS is per query), same generator and event count for both. Prints a table and writes the
 * raw results to .cache/nexmark/. Started by bench/nexmark/run.sh, which builds both sides first.
 * Usage: node dist/bench/nexmark/run.js [events] [--queries q0,q5] [--parallelism 1,2] [--eps 10000]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { printTable } from "../table.js";

interface RunResult {
  engine: "sluice" | "flink";
  query: string;
  parallelism: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  outputs: number;
  checksum: number;
  peakRssMB: number;
}

/** JDK 17 closes the JDK internals Flink's serializers and Kryo reach into. */
const ADD_OPENS = ["java.util", "java.lang", "java.lang.reflect", "java.io", "java.net", "java.nio", "sun.nio.ch", "java.text", "java.time", "java.util.concurrent", "java.util.concurrent.atomic"].flatMap(
  (p) => ["--add-opens", `java.base/${p}=ALL-UNNAMED`],
);

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !(all[i - 1] ?? "").startsWith("--"));
const events = Number(positional[0] ?? 2_000_000);
const queries = option("queries", "q0,q1,q2,q3,q4,q5,q6,q7,q8").split(",");
const parallelisms = option("parallelism", "1,2").split(",").map(Number);
const eps = option("eps", "10000");
const root = new URL("../../../", import.meta.url).pathname;
const flinkDir = `${root}.cache/nexmark-flink`;
const classpath = `${flinkDir}/nexmark-flink-0.1.0.jar:${readFileSync(`${flinkDir}/classpath.txt`, "utf8").trim()}`;

function lastJsonLine(output: string): RunResult {
  const line = output.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (line === undefined) throw new Error(`no result line in output:\n${output.slice(-2000)}`);
  return JSON.parse(line) as RunResult;
}

function run(engine: "sluice" | "flink", query: string, parallelism: number): RunResult {
  const args = [query, String(parallelism), String(events), eps];
  const out =
    engine === "sluice"
      ? execFileSync(process.execPath, [`${root}dist/bench/nexmark/sluiceRun.js`, ...args], { encoding: "utf8", maxBuffer: 1 << 26 })
      : execFileSync("java", [...ADD_OPENS, "-cp", classpath, "sluice.nexmark.NexmarkBench", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  return lastJsonLine(out);
}

const results: RunResult[] = [];
const rows: (string | number)[][] = [];
for (const p of parallelisms) {
  for (const q of queries) {
    const s = run("sluice", q, p);
    const f = run("flink", q, p);
    results.push(s, f);
    const same = s.outputs === f.outputs && s.checksum === f.checksum;
    rows.push([q, String(p), s.eventsPerSecond, f.eventsPerSecond, `${(s.eventsPerSecond / f.eventsPerSecond).toFixed(2)}x`, s.peakRssMB, f.peakRssMB, s.outputs, same ? "yes" : "NO"]);
    process.stderr.write(`${q} p=${p}: sluice ${s.eventsPerSecond}/s, flink ${f.eventsPerSecond}/s${same ? "" : "  OUTPUTS DIFFER"}\n`);
  }
}

const header = ["query", "p", "Sluice ev/s", "Flink ev/s", "Sluice/Flink", "Sluice RSS MB", "Flink RSS MB", "outputs", "same output"];
const javaVersion = spawnSync("java", ["-version"], { encoding: "utf8" }).stderr.split("\n")[0] ?? "java";
const machine = `${os.cpus()[0]?.model ?? "?"} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${javaVersion}`;
console.log(`\n${machine}`);
printTable(`Nexmark, ${events.toLocaleString("en-US")} events (${eps} events/s of event time), ${new Date().toISOString().slice(0, 10)}`, header, rows);
console.log(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.map((c) => (typeof c === "number" ? Math.round(c).toLocaleString("en-US") : c)).join(" | ")} |`);
mkdirSync(`${root}.cache/nexmark`, { recursive: true });
const file = `${root}.cache/nexmark/results-${events}-${Date.now()}.json`;
writeFileSync(file, JSON.stringify({ events, eps, machine, results }, null, 2));
console.log(`\nraw results: ${file}`);
if (rows.some((r) => r[8] !== "yes")) process.exitCode = 1;
