/**
 * CEP bench: a three-step pattern with `within` (a, then b, then c per key, within 10 s of event time)
 * on Sluice and on Flink CEP 1.20.1, same input (events.ts; FlinkCepBench.java generates the same
 * events), same machine, timed the same way (warm process, marginal rate between two event counts, wall
 * and process CPU time, after `--warmup-jobs` warm-up jobs on both sides as bench/nexmark's; see
 * sluiceCep.ts). Rounds are interleaved (per round: each key count, each engine in turn), the 1-minute
 * load average is recorded before each run, and the table gives medians and min–max over the rounds,
 * plus the state size (checkpoint bytes once every event is in the matcher, from the first round) and
 * whether both engines found the same matches. Raw results go to .cache/cep-bench/.
 * Usage: npm run build && node dist/bench/cep/run.js [events=300000] [--reps 5] [--keys 1000,1000000]
 *   [--warmup 100000] [--warmup-jobs 4] [--small events/3] [--heap-mb 2048] [--sluice-batch 1024,16384]
 *   [--java-classes .cache/flink-cep-bench] (where FlinkCepBench.java is compiled to)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { oracleClasspath } from "../../test/flink-sql/oracle.js";
import { lastJsonLine, median, option, printTable } from "../table.js";
import { ADD_OPENS } from "../jvm.js";

interface RunResult {
  engine: string;
  keys: number;
  events: number;
  seconds: number;
  cpuSeconds: number;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
  matches: number;
  checksum: number;
  checkpointBytes: number | null;
  peakRssMB: number;
  /** Process CPU ns per event of each warm-up job and of the timed small job: where each side settled. */
  warmupCpuNsPerEvent: (number | null)[];
  smallCpuNsPerEvent: number | null;
  load: number;
  round: number;
}

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !(all[i - 1] ?? "").startsWith("--"));
const events = Number(positional[0] ?? 300_000);
const reps = Number(option("reps", "5"));
const keyCounts = option("keys", "1000,1000000").split(",").map(Number);
const warmup = option("warmup", "100000");
/** Several warm-up jobs, both sides, as bench/nexmark/run.ts: V8 and the JIT keep optimising for a few jobs after the first (bench/marginal.ts). */
const warmupJobs = option("warmup-jobs", "4");
const small = option("small", String(Math.round(events / 3)));
const heapMB = option("heap-mb", "2048");
/** Sluice at its default batch size (1024) and, for comparison, larger ones: a watermark follows every batch. */
const sluiceBatches = option("sluice-batch", "1024").split(",");
const root = new URL("../../../", import.meta.url).pathname;

/** FlinkCepBench.java compiled against the Flink jars test/flink-sql/pom.xml resolves from Maven Central. */
function flinkClasspath(): string {
  const cp = oracleClasspath();
  const classes = resolve(root, option("java-classes", ".cache/flink-cep-bench"));
  const source = join(root, "bench/cep/FlinkCepBench.java");
  const marker = join(classes, "FlinkCepBench.class");
  if (!existsSync(marker) || statSync(source).mtimeMs > statSync(marker).mtimeMs) {
    mkdirSync(classes, { recursive: true });
    execFileSync("javac", ["-nowarn", "-d", classes, "-cp", cp, source], { stdio: ["ignore", "ignore", "inherit"] });
  }
  return `${classes}:${cp}`;
}
const classpath = flinkClasspath();

function run(engine: string, keys: number, withState: boolean): Omit<RunResult, "load" | "round"> {
  const args = [String(keys), String(events), warmup, small];
  const opts = { encoding: "utf8" as const, maxBuffer: 1 << 26 };
  if (engine === "flink")
    return lastJsonLine<Omit<RunResult, "load" | "round">>(execFileSync("java", [...ADD_OPENS, `-Xmx${heapMB}m`, "-cp", classpath, "FlinkCepBench", ...args, withState ? "1" : "0", warmupJobs], opts));
  const batch = engine.slice("sluice-b".length);
  const r = lastJsonLine<Omit<RunResult, "load" | "round">>(
    execFileSync(process.execPath, [`--max-old-space-size=${heapMB}`, `${root}dist/bench/cep/sluiceCep.js`, ...args, withState ? "1" : "0", warmupJobs], {
      ...opts,
      env: { ...process.env, SLUICE_BATCH_SIZE: batch },
    }),
  );
  return { ...r, engine };
}

const engines = [...sluiceBatches.map((b) => `sluice-b${b}`), "flink"];
const javaVersion = spawnSync("java", ["-version"], { encoding: "utf8" }).stderr.split("\n")[0] ?? "java";
const machine = `${os.cpus()[0]?.model ?? "?"} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${javaVersion}`;
const results: RunResult[] = [];
mkdirSync(`${root}.cache/cep-bench`, { recursive: true });
const file = `${root}.cache/cep-bench/results-${events}-${Date.now()}.json`;
const started = new Date().toISOString();
for (let round = 1; round <= reps; round++) {
  for (const keys of keyCounts) {
    for (const engine of engines) {
      const load = os.loadavg()[0]!;
      // The state size is the same in every round (same input): measured in the first, at the default batch size.
      const withState = round === 1 && (engine === "flink" || engine === `sluice-b${sluiceBatches[0]}`);
      const r = { ...run(engine, keys, withState), load, round };
      results.push(r);
      writeFileSync(file, JSON.stringify({ events, small, warmup, warmupJobs, heapMB, started, machine, results }, null, 2));
      process.stderr.write(
        `round ${round} keys=${keys} ${engine}: ${Math.round(r.eventsPerCpuSecond)} ev/CPU-s, ${Math.round(r.eventsPerSecond)} ev/s, load ${load.toFixed(1)}; CPU ns/event warm-up ${r.warmupCpuNsPerEvent.join(", ")}, small ${r.smallCpuNsPerEvent}\n`,
      );
    }
  }
}

const k = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${Math.round(x / 1e3)}k`);
const spread = (xs: number[]) => `${k(median(xs))} (${k(Math.min(...xs))}–${k(Math.max(...xs))})`;
const mb = (x: number | null | undefined) => (x == null ? "–" : `${(x / 2 ** 20).toFixed(1)} MB`);
const rows: string[][] = [];
let allSame = true;
for (const keys of keyCounts) {
  const of = (e: string) => results.filter((r) => r.engine === e && r.keys === keys);
  const flink = of("flink");
  const flinkCpu = median(flink.map((r) => r.eventsPerCpuSecond));
  for (const engine of engines.filter((e) => e !== "flink")) {
    const s = of(engine);
    const same = s.every((r) => flink.every((f) => f.matches === r.matches && f.checksum === r.checksum));
    if (!same) allSame = false;
    rows.push([
      keys.toLocaleString("en-US"),
      engine === "sluice-b1024" ? "Sluice" : `Sluice, batch ${engine.slice("sluice-b".length)}`,
      spread(s.map((r) => r.eventsPerCpuSecond)),
      spread(flink.map((r) => r.eventsPerCpuSecond)),
      (median(s.map((r) => r.eventsPerCpuSecond)) / flinkCpu).toFixed(2),
      spread(s.map((r) => r.eventsPerSecond)),
      spread(flink.map((r) => r.eventsPerSecond)),
      mb(s.find((r) => r.checkpointBytes != null)?.checkpointBytes),
      mb(flink.find((r) => r.checkpointBytes != null)?.checkpointBytes),
      String(s[0]?.matches ?? "–"),
      same ? "yes" : "NO",
    ]);
  }
}
const header = ["keys", "engine", "Sluice ev/CPU-s", "Flink CEP ev/CPU-s", "Sluice/Flink (CPU)", "Sluice ev/s", "Flink CEP ev/s", "Sluice checkpoint", "Flink checkpoint", "matches", "same matches"];
const loads = results.map((r) => r.load);
console.log(
  `\n${machine}\n${started} – ${new Date().toISOString()}; load average (1 min) before each run: median ${median(loads).toFixed(1)}, min ${Math.min(...loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}`,
);
printTable(
  `CEP a→b→c within 10 s, ${events.toLocaleString("en-US")} events (marginal over ${Number(small).toLocaleString("en-US")}, after a ${Number(warmup).toLocaleString("en-US")}-event warm-up in ${warmupJobs} job${warmupJobs === "1" ? "" : "s"}), ${reps} interleaved rounds, p=1`,
  header,
  rows,
);
console.log(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`\nraw results: ${file}`);
if (!allSame) process.exitCode = 1;
