/**
 * The parallelism table of run.ts (issue 20's "Measure"): per query and engine, events/s at p=1 and p=2,
 * their ratio, events per CPU-second (process CPU, every thread), Sluice p=2 against Flink p=2 (wall), and
 * peak RSS. Ratios are taken per round (p=1 and p=2 of a query run one after the other in a round) and
 * their median and min–max given, so a load change between rounds moves both sides of a ratio together.
 * On a loaded machine the wall ratios measure the other processes; "p2/p1 (CPU)" is the parallel
 * efficiency e (events per CPU-second at p=2 over p=1): on two free cores p=2 can be at most 2e times
 * as fast as p=1, so the 1.7× goal needs e ≥ 0.85. "Queued for a CPU" is the big job's run-queue wait over
 * its wall time (marginal.ts, Sluice only): how many of the process's threads on average were ready to run
 * and had no core. Near 0 at p=2, the wall ratio is the engine's; well above 0, other work took the cores.
 */
import { median, printTable } from "../table.js";
import { implausible, type Clock, type Timing } from "./plausible.js";

export interface ParallelRun extends Timing {
  engine: string;
  query: string;
  parallelism: number;
  round: number;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
  peakRssMB: number;
  /** Seconds the big job's threads waited for a CPU (marginal.ts); absent on Flink's side, null off Linux. */
  waitBig?: number | null;
}

/** Which Flink engine a Sluice engine is held against at p=2. */
const FLINK_TWIN: Record<string, string> = { sluice: "flink-datastream", "sluice-module": "flink-datastream", "sluice-sql": "flink-sql" };
const LABEL: Record<string, string> = {
  sluice: "Sluice DS, cell (1 thread)",
  "sluice-module": "Sluice DS, module (workers)",
  "sluice-sql": "Sluice SQL (workers)",
  "flink-datastream": "Flink DS",
  "flink-sql": "Flink SQL",
};

const k = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${Math.round(x / 1e3)}k`);
const x2 = (x: number) => x.toFixed(2);
const spread = (xs: number[], f: (x: number) => string) => (xs.length === 0 ? "–" : `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`);

/** The median over runs of the big job's threads waiting for a CPU, per second of its wall time. */
function queued(runs: readonly ParallelRun[]): string {
  const xs = runs.flatMap((r) => (typeof r.waitBig === "number" && r.wallBig > 0 ? [r.waitBig / r.wallBig] : []));
  return xs.length === 0 ? "–" : x2(median(xs));
}

/** Per round where both runs are plausible on `clock`: a's rate over b's. */
function roundRatios(a: ParallelRun[], b: ParallelRun[], clock: Clock, rate: (r: ParallelRun) => number): number[] {
  const out: number[] = [];
  for (const ra of a) {
    const rb = b.find((r) => r.round === ra.round);
    if (rb === undefined || implausible(ra, clock) !== undefined || implausible(rb, clock) !== undefined) continue;
    out.push(rate(ra) / rate(rb));
  }
  return out;
}

/** Prints the table (text and markdown) for the queries and engines that ran at both p=1 and p=2. */
export function printParallelTable(results: readonly ParallelRun[], queries: readonly string[], engines: readonly string[]): void {
  const header = [
    "query",
    "engine",
    "p=1 ev/s",
    "p=2 ev/s",
    "p2/p1 (wall)",
    "p=1 ev/CPU-s",
    "p=2 ev/CPU-s",
    "p2/p1 (CPU)",
    "p=2 vs Flink p=2 (wall)",
    "p=2 vs Flink p=2 (CPU)",
    "p=1 RSS MB",
    "p=2 RSS MB",
    "queued for a CPU p=1 / p=2",
  ];
  const rows: string[][] = [];
  for (const q of queries) {
    for (const e of engines) {
      const at = (p: number, engine = e) => results.filter((r) => r.engine === engine && r.query === q && r.parallelism === p);
      const ok = (rs: ParallelRun[], clock: Clock) => rs.filter((r) => implausible(r, clock) === undefined);
      const [one, two] = [at(1), at(2)];
      if (one.length === 0 && two.length === 0) continue;
      const twin = FLINK_TWIN[e];
      rows.push([
        q,
        LABEL[e] ?? e,
        spread(
          ok(one, "wall").map((r) => r.eventsPerSecond),
          k,
        ),
        spread(
          ok(two, "wall").map((r) => r.eventsPerSecond),
          k,
        ),
        spread(
          roundRatios(two, one, "wall", (r) => r.eventsPerSecond),
          x2,
        ),
        spread(
          ok(one, "CPU").map((r) => r.eventsPerCpuSecond),
          k,
        ),
        spread(
          ok(two, "CPU").map((r) => r.eventsPerCpuSecond),
          k,
        ),
        spread(
          roundRatios(two, one, "CPU", (r) => r.eventsPerCpuSecond),
          x2,
        ),
        twin === undefined
          ? ""
          : spread(
              roundRatios(two, at(2, twin), "wall", (r) => r.eventsPerSecond),
              x2,
            ),
        twin === undefined
          ? ""
          : spread(
              roundRatios(two, at(2, twin), "CPU", (r) => r.eventsPerCpuSecond),
              x2,
            ),
        spread(
          one.map((r) => r.peakRssMB),
          (x) => String(Math.round(x)),
        ),
        spread(
          two.map((r) => r.peakRssMB),
          (x) => String(Math.round(x)),
        ),
        `${queued(one)} / ${queued(two)}`,
      ]);
    }
  }
  if (rows.length === 0) return;
  printTable("Parallelism: p=1 and p=2 per engine (medians over rounds, min–max; ratios per round)", header, rows);
  console.log(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}
