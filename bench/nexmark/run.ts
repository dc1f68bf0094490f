/**
 * Nexmark on Sluice (DataStream and SQL), Flink DataStream and Flink SQL, same machine, same generator, timed the same way
 * (see sluiceRun.ts and flink/.../Measure.java: warm process, marginal rate between two event counts,
 * wall and process CPU time). Repetitions are interleaved (per round: every query, each engine in turn),
 * the load average is recorded per run, and the table gives medians and min–max over the rounds.
 * Started by bench/nexmark/run.sh, which builds both sides first. Raw results go to .cache/nexmark/.
 * Usage: node dist/bench/nexmark/run.js [events=2000000] [--reps 5] [--queries gen,q0,...] [--parallelism 1,2]
 *   [--engines sluice,sluice-sql,sluice-module,flink-datastream,flink-sql] [--warmup 1000000] [--warmup-per subtask|process] [--warmup-jobs 4]
 *   [--small events/5] [--heap-mb 2048] [--check-events 200000] [--eps 10000]
 * SLUICE_NODE_FLAGS="--flag …" adds node/V8 flags to the Sluice processes (an A/B of a V8 setting).
 * --warmup counts events per subtask by default (a p=2 run warms up with 2 × --warmup events, every engine alike):
 * V8 compiles per isolate, so each worker must see what p=1's one thread sees (warmupEvents.ts);
 * `--warmup-per process` gives every run --warmup events whatever its parallelism (the protocol before session 18).
 * Engines: `sluice` is a DataStream job declared in the process (as in a notebook cell: at p=2 its subtasks
 * share one thread); `sluice-module` the same queries declared in a job module (nexmarkJob.ts), whose
 * subtasks run on worker threads at p=2; `sluice-sql` nexmark's SQL files, on worker threads at p=2. With
 * --parallelism 1,2 a second table gives each engine's p2/p1 (wall) and Sluice p=2 against Flink p=2.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { lastJsonLine, median, option, printTable } from "../table.js";
import { type Clock, implausible, type Timing } from "./plausible.js";
import { sameOutputs } from "./sameOutputs.js";
import { ADD_OPENS } from "../jvm.js";
import { printParallelTable } from "./parallelTable.js";
import { parseWarmupPer, type WarmupPer, warmupEvents } from "./warmupEvents.js";

type Engine = "sluice" | "sluice-sql" | "sluice-module" | "flink-datastream" | "flink-sql";
interface RunResult extends Timing {
  engine: Engine;
  query: string;
  parallelism: number;
  events: number;
  seconds: number;
  cpuSeconds: number;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
  outputs: number;
  checksum: number;
  heapAfterGcMB: number;
  peakRssMB: number;
  /** 1-minute load average just before the run. */
  load: number;
  round: number;
}

/** `--report FILE`: print the table of a raw results file (e.g. of a run cut short) instead of running. */
interface Saved {
  events: number;
  small: string;
  warmup: string;
  warmupJobs?: string;
  /** Absent in raw files written before session 18, whose warm-up was per process. */
  warmupPer?: WarmupPer;
  heapMB: string;
  queries: string[];
  parallelisms: number[];
  machine: string;
  checkEvents?: number;
  results: RunResult[];
  sqlSame: Record<string, string>;
  moduleSame?: Record<string, string>;
}
const report = process.argv.includes("--report") ? (JSON.parse(readFileSync(option("report", ""), "utf8")) as Saved) : undefined;

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !(all[i - 1] ?? "").startsWith("--"));
const events = report?.events ?? Number(positional[0] ?? 2_000_000);
const reps = Number(option("reps", "5"));
const queries = report?.queries ?? option("queries", "gen,q0,q1,q2,q3,q4,q5,q6,q7,q8").split(",");
const parallelisms = report?.parallelisms ?? option("parallelism", "1").split(",").map(Number);
const engines = option("engines", "sluice,sluice-sql,sluice-module,flink-datastream,flink-sql").split(",") as Engine[];
const warmup = report?.warmup ?? option("warmup", "1000000");
// The warm-up events split over this many jobs (marginal.ts, Measure.java): with one, the small job still
// carried V8's optimising of the next jobs and the marginal rate came out too high (RESULTS.md, session 14: warm).
const warmupJobs = report?.warmupJobs ?? option("warmup-jobs", "4");
const warmupPer: WarmupPer = report !== undefined ? (report.warmupPer ?? "process") : parseWarmupPer(option("warmup-per", "subtask"));
const small = report?.small ?? option("small", String(Math.round(events / 5)));
const heapMB = report?.heapMB ?? option("heap-mb", "2048");
const checkEvents = report?.checkEvents ?? Number(option("check-events", "200000"));
const eps = option("eps", "10000");
// Extra node/V8 flags for the Sluice processes (an A/B of a V8 setting; the kernel does not use them).
const nodeFlags = (process.env.SLUICE_NODE_FLAGS ?? "").split(" ").filter((f) => f !== "");
const root = new URL("../../../", import.meta.url).pathname;
// NEXMARK_FLINK_DIR: a jar built elsewhere (e.g. an A/B of the Java twin), instead of run.sh's build.
const flinkDir = process.env.NEXMARK_FLINK_DIR ?? `${root}.cache/nexmark-flink`;
const classpath = `${flinkDir}/nexmark-flink-0.1.0.jar:${readFileSync(`${flinkDir}/classpath.txt`, "utf8").trim()}`;

/** Flink SQL cannot run nexmark's q6 (ROW_NUMBER's retractions into an OVER window); the row says so. */
const SQL_UNSUPPORTED = new Set(["q6"]);

function run(engine: Engine | "flink-sql-check" | "sluice-module-check", query: string, p: number, n: number, w: string, s: string): Omit<RunResult, "load" | "round"> {
  // (the check runs have no warm-up: one empty warm-up job, not K)
  const args = [query, String(p), String(n), eps, w, s, w === "0" ? "1" : warmupJobs];
  const opts = { encoding: "utf8" as const, maxBuffer: 1 << 26 };
  const node = ["--expose-gc", `--max-old-space-size=${heapMB}`, ...nodeFlags];
  if (engine === "sluice-module" || engine === "sluice-module-check")
    return lastJsonLine<Omit<RunResult, "load" | "round">>(
      execFileSync(process.execPath, [...node, `${root}dist/bench/nexmark/sluiceModuleRun.js`, ...args, ...(engine === "sluice-module-check" ? ["check"] : [])], opts),
    );
  if (engine === "sluice-sql") return lastJsonLine<Omit<RunResult, "load" | "round">>(execFileSync(process.execPath, [...node, `${root}dist/bench/nexmark/sluiceSqlRun.js`, ...args], opts));
  if (engine === "sluice") return lastJsonLine<Omit<RunResult, "load" | "round">>(execFileSync(process.execPath, [...node, `${root}dist/bench/nexmark/sluiceRun.js`, ...args], opts));
  const api = engine.slice("flink-".length);
  return lastJsonLine<Omit<RunResult, "load" | "round">>(execFileSync("java", [...ADD_OPENS, `-Xmx${heapMB}m`, "-cp", classpath, "sluice.nexmark.NexmarkBench", api, ...args], opts));
}

/** Flink SQL's timed runs write to nexmark's blackhole table; its results are checked here, on fewer events. */
function checkSql(query: string, p: number): string {
  if (query === "gen" || query === "q4" || SQL_UNSUPPORTED.has(query)) return "n/a";
  const s = run("sluice", query, p, checkEvents, "0", "0");
  const f = run("flink-sql-check", query, p, checkEvents, "0", "0");
  return s.outputs === f.outputs && s.checksum === f.checksum ? "yes" : `NO (${s.outputs} vs ${f.outputs} rows)`;
}

/** The module job's timed runs on workers count nothing (their blackhole is there): its output is checked here against the DataStream job's, on fewer events. */
function checkModule(query: string, p: number): string {
  if (query === "gen") return "n/a";
  const s = run("sluice", query, p, checkEvents, "0", "0");
  const m = run("sluice-module-check", query, p, checkEvents, "0", "0");
  return s.outputs === m.outputs && s.checksum === m.checksum ? "yes" : `NO (${m.outputs} vs ${s.outputs} rows)`;
}

let machineText = report?.machine;
function machine(): string {
  if (machineText !== undefined) return machineText;
  const javaVersion = spawnSync("java", ["-version"], { encoding: "utf8" }).stderr.split("\n")[0] ?? "java";
  machineText = `${os.cpus()[0]?.model ?? "?"} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${javaVersion}`;
  return machineText;
}

const results: RunResult[] = report?.results ?? [];
/** Queries Sluice's SQL failed on (a parse or "not supported yet" error), not retried in later rounds. */
const sluiceSqlCannot = new Set<string>();
const sqlSame = new Map<string, string>(Object.entries(report?.sqlSame ?? {}));
if (report === undefined && engines.includes("flink-sql") && checkEvents > 0) {
  for (const p of parallelisms) {
    for (const q of queries) {
      sqlSame.set(`${q}/${p}`, checkSql(q, p));
      process.stderr.write(`check ${q} p=${p}: Sluice and Flink SQL same output on ${checkEvents} events: ${sqlSame.get(`${q}/${p}`)}\n`);
    }
  }
}
const moduleSame = new Map<string, string>(Object.entries(report?.moduleSame ?? {}));
if (report === undefined && engines.includes("sluice-module") && checkEvents > 0) {
  for (const p of parallelisms) {
    for (const q of queries) {
      moduleSame.set(`${q}/${p}`, checkModule(q, p));
      process.stderr.write(`check ${q} p=${p}: Sluice module job and DataStream job same output on ${checkEvents} events: ${moduleSame.get(`${q}/${p}`)}\n`);
    }
  }
}
mkdirSync(`${root}.cache/nexmark`, { recursive: true });
const file = report !== undefined ? option("report", "") : `${root}.cache/nexmark/results-${events}-${Date.now()}.json`;
const save = () =>
  writeFileSync(
    file,
    JSON.stringify(
      {
        events,
        small,
        warmup,
        warmupJobs,
        warmupPer,
        heapMB,
        eps,
        reps,
        checkEvents,
        queries,
        parallelisms,
        machine: machine(),
        results,
        sqlSame: Object.fromEntries(sqlSame),
        moduleSame: Object.fromEntries(moduleSame),
      },
      null,
      2,
    ),
  );
for (let round = 1; round <= reps && report === undefined; round++) {
  // A query's p=1 and p=2 runs one after the other, so a round's p2/p1 ratio sees one load.
  for (const q of queries) {
    for (const p of parallelisms) {
      for (const engine of engines) {
        if (engine === "flink-sql" && SQL_UNSUPPORTED.has(q)) continue;
        if (engine === "sluice-sql" && (q === "gen" || sluiceSqlCannot.has(q))) continue;
        if (engine === "sluice-module" && q === "gen") continue;
        const load = os.loadavg()[0]!;
        let r: RunResult;
        try {
          r = { ...run(engine, q, p, events, String(warmupEvents(Number(warmup), p, warmupPer)), small), load, round };
        } catch (e) {
          if (engine !== "sluice-sql") throw e;
          // Sluice's SQL cannot run this query yet (sqlConformance.ts says which feature): a "–" in its column.
          sluiceSqlCannot.add(q);
          process.stderr.write(
            `${q}: Sluice SQL cannot run it yet: ${
              String((e as { stderr?: string }).stderr ?? e)
                .split("\n")
                .find((l) => l.includes("Error")) ?? ""
            }\n`,
          );
          continue;
        }
        results.push(r);
        save(); // a run cut short still leaves the rounds it finished (print them with --report FILE)
        const why = implausible(r);
        process.stderr.write(
          `round ${round} ${q} p=${p} ${engine}: ${Math.round(r.eventsPerCpuSecond)} ev/CPU-s, ${Math.round(r.eventsPerSecond)} ev/s, load ${load.toFixed(1)}${why === undefined ? "" : ` — REJECTED: ${why}`}\n`,
        );
      }
    }
  }
}

const k = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${Math.round(x / 1e3)}k`);
const spread = (xs: number[], f: (x: number) => string) => `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const mb = (x: number) => Math.round(x).toString();
const rows: string[][] = [];
let allSame = true;
for (const p of parallelisms) {
  for (const q of queries) {
    const all = (e: Engine) => results.filter((r) => r.engine === e && r.query === q && r.parallelism === p);
    // Rounds whose marginal interval is noise (plausible.ts) are left out of the cells of that clock; the cell says how many.
    const of = (e: Engine, clock: Clock = "CPU") => all(e).filter((r) => implausible(r, clock) === undefined);
    const s = of("sluice");
    const ssql = of("sluice-sql");
    const ds = of("flink-datastream");
    const sql = of("flink-sql");
    const ratio = (a: RunResult[], b: RunResult[]) => (a.length && b.length ? `${(median(a.map((r) => r.eventsPerCpuSecond)) / median(b.map((r) => r.eventsPerCpuSecond))).toFixed(2)}` : "–");
    /** A rate from the rounds plausible on its clock; memory (no clock) is measured apart from the timing and uses every round. */
    const cell = (e: Engine, f: (r: RunResult) => number, fmt: (x: number) => string, clock?: Clock) => {
      const rs = clock === undefined ? all(e) : of(e, clock);
      const n = all(e).length - rs.length;
      if (rs.length === 0) return n > 0 ? `all ${n} rounds rejected` : e === "flink-sql" && SQL_UNSUPPORTED.has(q) ? "not supported" : "–";
      return `${spread(rs.map(f), fmt)}${n > 0 ? ` [${n} round${n > 1 ? "s" : ""} rejected]` : ""}`;
    };
    // Outputs do not depend on timing: every round is compared, rejected ones too.
    const same = q === "gen" ? "n/a" : sameOutputs(all("sluice"), all("flink-datastream"));
    if (same === "NO" || (sqlSame.get(`${q}/${p}`) ?? "n/a").startsWith("NO") || (moduleSame.get(`${q}/${p}`) ?? "n/a").startsWith("NO")) allSame = false;
    const label = p === 1 ? "1" : `${p} (Sluice DS: 1 thread; SQL on workers)`;
    rows.push([
      q,
      label,
      cell("sluice", (r) => r.eventsPerCpuSecond, k, "CPU"),
      cell("flink-datastream", (r) => r.eventsPerCpuSecond, k, "CPU"),
      cell("flink-sql", (r) => r.eventsPerCpuSecond, k, "CPU"),
      cell("sluice-sql", (r) => r.eventsPerCpuSecond, k, "CPU"),
      ratio(s, ds),
      ratio(s, sql),
      ratio(ssql, s),
      ratio(ssql, sql),
      cell("sluice", (r) => r.eventsPerSecond, k, "wall"),
      cell("flink-datastream", (r) => r.eventsPerSecond, k, "wall"),
      cell("flink-sql", (r) => r.eventsPerSecond, k, "wall"),
      cell("sluice", (r) => r.heapAfterGcMB, mb),
      cell("flink-datastream", (r) => r.heapAfterGcMB, mb),
      cell("flink-sql", (r) => r.heapAfterGcMB, mb),
      cell("sluice", (r) => r.peakRssMB, mb),
      cell("flink-datastream", (r) => r.peakRssMB, mb),
      cell("flink-sql", (r) => r.peakRssMB, mb),
      same,
      sqlSame.get(`${q}/${p}`) ?? "–",
    ]);
  }
}

const header = [
  "query",
  "p",
  "Sluice ev/CPU-s",
  "Flink DS ev/CPU-s",
  "Flink SQL ev/CPU-s",
  "Sluice SQL ev/CPU-s",
  "Sluice/DS (CPU)",
  "Sluice/SQL (CPU)",
  "Sluice SQL/Sluice (CPU)",
  "Sluice SQL/Flink SQL (CPU)",
  "Sluice ev/s",
  "Flink DS ev/s",
  "Flink SQL ev/s",
  "Sluice heap MB",
  "DS heap MB",
  "SQL heap MB",
  "Sluice RSS MB",
  "DS RSS MB",
  "SQL RSS MB",
  "same as DS",
  `same as SQL (${k(checkEvents)} ev)`,
];
const loads = results.map((r) => r.load);
const rejectedRuns = results.filter((r) => implausible(r) !== undefined);
// (listed once, with the first reason; the cells count them per clock)
const title = `Nexmark, ${events.toLocaleString("en-US")} events (marginal over ${Number(small).toLocaleString("en-US")}, after a ${Number(warmup).toLocaleString("en-US")}-event warm-up${warmupPer === "subtask" ? " per subtask" : ""} in ${warmupJobs} job${warmupJobs === "1" ? "" : "s"}), ${Math.max(0, ...results.map((r) => r.round))} interleaved rounds, heap limit ${heapMB} MB both sides, ${new Date().toISOString().slice(0, 16)}Z`;
// (with --report, the date is the report's; the raw file's name carries the run's start in ms)
console.log(`\n${machine()}\nload average (1 min) over the runs: median ${median(loads).toFixed(1)}, min ${Math.min(...loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}`);
printTable(title, header, rows);
console.log(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
if (parallelisms.includes(1) && parallelisms.includes(2)) printParallelTable(results, queries, engines);
if (moduleSame.size > 0) console.log(`\nSluice module job's output same as the DataStream job's (${k(checkEvents)} events): ${[...moduleSame].map(([qp, same]) => `${qp} ${same}`).join(", ")}`);
if (rejectedRuns.length > 0) {
  console.log(`\n${rejectedRuns.length} of ${results.length} runs rejected on CPU or wall time (left out of that clock's cells; their outputs still checked):`);
  for (const r of rejectedRuns) console.log(`- round ${r.round} ${r.query} p=${r.parallelism} ${r.engine}: ${implausible(r)}`);
}
if (report === undefined) save();
console.log(`\nraw results: ${file}`);
if (!allSame) process.exitCode = 1;
