/**
 * Embedded engine vs a Flink session cluster (scripts/flink.sh) on this machine, the same SQL
 * (bench/flink-cluster/queries.ts), at the same cores: the embedded engine runs a job on one thread;
 * the cluster runs it at parallelism 1 on one TaskManager with one slot, then at parallelism 2 on
 * two TaskManagers with one slot each (how the cluster scales with TaskManagers). Each figure is the
 * marginal rate of a job of `events` rows over one of `small` rows after a warm-up job, as
 * bench/nexmark times; CPU is the process CPU of the engine (the node process; the TaskManagers'
 * JVMs, from /proc), memory the resident set (node: peak; Flink: every cluster process after the
 * big job, TaskManagers apart). The 1-minute load average is printed with every row: the machine
 * has 2 cores and is shared, so wall-clock rates mostly say how busy it was.
 *
 *   node dist/bench/flink-cluster/run.js [events=3000000] [--small N] [--warmup N] [--reps 3] [--queries q1,q5]
 *
 * It restarts the cluster with one slot per TaskManager (SLUICE_FLINK_TM_SLOTS=1) and stops it at the end.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { flinkGateway } from "../../engine/src/index.js";
import { median, printTable } from "../table.js";
import { ddl, QUERIES, type QueryName } from "./queries.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const RUN_DIR = join(ROOT, ".cache", "flink", "2.2.0", "run");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const events = Number(args.find((a) => /^\d+$/.test(a)) ?? 3_000_000);
const small = Number(flag("small", String(Math.round(events / 5))));
const warmup = Number(flag("warmup", String(small)));
const reps = Number(flag("reps", "3"));
const queries = flag("queries", "q1,q5").split(",") as QueryName[];

interface Sample {
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
  rssMB: number;
  taskManagerRssMB?: number;
  load: number;
}
const samples = new Map<string, Sample[]>();
const add = (config: string, query: string, s: Sample) => samples.set(`${config}\t${query}`, [...(samples.get(`${config}\t${query}`) ?? []), s]);

function flinkSh(...a: string[]): string[] {
  return execFileSync("bash", [join(ROOT, "scripts", "flink.sh"), ...a], { encoding: "utf8", env: { ...process.env, SLUICE_FLINK_TM_SLOTS: "1" }, stdio: ["ignore", "pipe", "inherit"] })
    .trim()
    .split("\n");
}

function pids(prefix: string): number[] {
  return execFileSync("bash", ["-c", `cat ${RUN_DIR}/${prefix}*.pid 2>/dev/null || true`], { encoding: "utf8" })
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}
/** utime + stime of the processes, in seconds (clock ticks of 1/100 s). */
function cpuSeconds(ps: number[]): number {
  return ps.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return sum + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);
}
function rssMB(ps: number[]): number {
  return ps.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024, 0);
}

function embedded(query: QueryName): void {
  const load = loadavg()[0] as number;
  const out = execFileSync("node", [join(ROOT, "dist", "bench", "flink-cluster", "embeddedRun.js"), query, String(events), String(small), String(warmup)], { encoding: "utf8" });
  const r = JSON.parse(out.trim().split("\n").at(-1) as string) as Sample;
  add("embedded (1 thread)", query, { ...r, load });
}

async function flink(session: flinkGateway.FlinkSession, rest: flinkGateway.FlinkRestClient, query: QueryName, parallelism: number, config: string): Promise<void> {
  const load = loadavg()[0] as number;
  const tms = pids("taskmanager-");
  const job = async (rows: number) => {
    for (const t of ["bid", "out_q1", "out_q5"]) await session.execute(`DROP TEMPORARY TABLE IF EXISTS ${t}`);
    for (const statement of ddl(rows)) await session.execute(statement);
    const t0 = performance.now();
    const submitted = await session.execute(QUERIES[query]);
    const jobId = submitted.jobID ?? (submitted.rows[0]?.fields[0] as string);
    const done = await rest.waitForState(jobId, ["FINISHED", "FAILED", "CANCELED"], 30 * 60_000);
    if (done.state !== "FINISHED") throw new Error(`Flink job ${jobId} ended ${done.state}`);
    return (performance.now() - t0) / 1000;
  };
  await session.execute(`SET 'parallelism.default' = '${parallelism}'`);
  await job(warmup);
  const c0 = cpuSeconds(tms);
  const tSmall = await job(small);
  const c1 = cpuSeconds(tms);
  const tBig = await job(events);
  const c2 = cpuSeconds(tms);
  const n = events - small;
  add(config, query, {
    eventsPerSecond: Math.round(n / (tBig - tSmall)),
    eventsPerCpuSecond: Math.round(n / (c2 - c1 - (c1 - c0))),
    rssMB: Math.round(rssMB([...pids("jobmanager"), ...tms, ...pids("sql-gateway")])),
    taskManagerRssMB: Math.round(rssMB(tms)),
    load,
  });
}

async function onCluster(taskManagers: number, parallelism: number, config: string): Promise<void> {
  const [gatewayUrl, restUrl] = flinkSh("start", "--taskmanagers", String(taskManagers)).slice(-2) as [string, string];
  const gateway = new flinkGateway.FlinkSqlGateway(gatewayUrl, { pollIntervalMs: 50 });
  const session = await gateway.openSession({ sessionName: "bench" });
  const rest = new flinkGateway.FlinkRestClient(restUrl);
  try {
    for (let r = 0; r < reps; r++) for (const q of queries) await flink(session, rest, q, parallelism, config);
  } finally {
    await session.close();
  }
}

for (let r = 0; r < reps; r++) for (const q of queries) embedded(q);
flinkSh("stop"); // restarted below with one slot per TaskManager
await onCluster(1, 1, "Flink, 1 TM x 1 slot, p=1");
await onCluster(2, 2, "Flink, 2 TMs x 1 slot, p=2");
flinkSh("stop");

const range = (xs: number[]) => `${Math.round(median(xs)).toLocaleString("en-US")} (${Math.round(Math.min(...xs)).toLocaleString("en-US")}–${Math.round(Math.max(...xs)).toLocaleString("en-US")})`;
const rows = [...samples].map(([key, s]) => {
  const [config, query] = key.split("\t") as [string, string];
  const tm = s.map((x) => x.taskManagerRssMB).filter((x): x is number => x !== undefined);
  return [
    config,
    query,
    range(s.map((x) => x.eventsPerSecond)),
    range(s.map((x) => x.eventsPerCpuSecond)),
    `${median(s.map((x) => x.rssMB))}${tm.length ? ` (TMs ${median(tm)})` : ""}`,
    s.map((x) => x.load.toFixed(1)).join(" "),
  ];
});
const header = ["engine", "query", "events/s median (min–max)", "events/CPU-s", "RSS MB", "load avg (1 min) per run"];
printTable(`bench/flink-cluster: ${events.toLocaleString("en-US")} events (marginal over ${small.toLocaleString("en-US")}), ${reps} rounds`, header, rows);
console.log(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
