/**
 * Differential testing of Sluice's CEP against Flink CEP 1.20.1 itself: generates a seeded event
 * stream (several keys, out of order, some late), runs every case on Flink (FlinkCepOracle.java, one
 * job in one JVM) and on Sluice (one job), and compares matches and timed-out partial matches per
 * case, key and kind, in order.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CEP, OutputTag, StreamEnvironment, WatermarkStrategy, sinks } from "../../engine/src/index.js";
import { oracleClasspath } from "../flink-sql/oracle.js";
import { CEP_CASES, type CepCase, type Ev } from "./cepCases.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const CLASSES = join(ROOT, ".cache/flink-cep-oracle");
const SOURCE = join(ROOT, "test/flink-oracle/FlinkCepOracle.java");
/** Watermark = highest timestamp so far - BOUND, after every event (as in the Java file). */
const BOUND = 30;

export interface CepOutcome {
  name: string;
  flink: number;
  sluice: number;
  timeouts: number;
  /** The first difference, or undefined when equal. */
  diff: string | undefined;
}

/** `n` events over `keys` keys; timestamps step 5 ms with up to 40 ms of jitter, so some are late. */
export function generateEvents(seed: number, n: number, keys: number): Ev[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    out.push({ id: i, key: `k${Math.floor(rand() * keys)}`, type: r < 0.3 ? "a" : r < 0.7 ? "b" : "c", v: Math.floor(rand() * 10), ts: i * 5 + Math.floor(rand() * 40) });
  }
  return out;
}

function format(match: Map<string, Ev[]>): string {
  return [...match].map(([name, evs]) => `${name}=${evs.map((e) => e.id).join(",")}`).join(";");
}

/** Flink's end of time is Long.MAX_VALUE; Sluice's final watermark is +Infinity. */
const time = (ts: number) => (ts === Number.POSITIVE_INFINITY ? "9223372036854775807" : String(ts));

function first(match: Map<string, Ev[]>): Ev {
  return [...match.values()][0]![0]!;
}

/** Sluice's lines, in the Java oracle's notation. */
export async function runSluice(cases: CepCase[], events: Ev[]): Promise<string[]> {
  const env = StreamEnvironment.create();
  const keyed = env
    .fromArray(events)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forGenerator<Ev>(() => {
        let max = Number.NEGATIVE_INFINITY;
        return {
          onEvent: (_e, ts, out) => {
            if (ts > max) out.emitWatermark((max = ts) - BOUND);
          },
          onPeriodicEmit: () => {},
        };
      }).withTimestampAssigner((e) => e.ts),
    )
    .keyBy((e) => e.key);
  const out = sinks.collect<string>();
  for (const c of cases) {
    const timeouts = new OutputTag<string>(`timeouts-${c.name}`);
    const matches = CEP.pattern(keyed, c.pattern()).process<string>({
      processMatch: (m, ctx, o) => o.collect(`${c.name}|${first(m).key}|M|${time(ctx.timestamp())}|${format(m)}`),
      processTimedOutMatch: (m, ctx) => ctx.output(timeouts, `${c.name}|${first(m).key}|T|${time(ctx.timestamp())}|${format(m)}`),
    });
    matches.sinkTo(out);
    matches.getSideOutput(timeouts).sinkTo(out);
  }
  await env.execute("cep oracle").wait();
  return out.values;
}

function compiledOracle(): string {
  const cp = oracleClasspath();
  const marker = join(CLASSES, "FlinkCepOracle.class");
  if (!existsSync(marker) || statSync(SOURCE).mtimeMs > statSync(marker).mtimeMs) {
    mkdirSync(CLASSES, { recursive: true });
    execFileSync("javac", ["-nowarn", "-d", CLASSES, "-cp", cp, SOURCE], { stdio: ["ignore", "ignore", "inherit"] });
  }
  return `${CLASSES}:${cp}`;
}

export function runFlink(cases: CepCase[], events: Ev[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "sluice-cep-oracle-"));
  const file = join(dir, "events.csv");
  writeFileSync(file, events.map((e) => `${e.id},${e.key},${e.type},${e.v},${e.ts}`).join("\n"));
  // Flink's temp files (the RPC jar it unpacks at every start, the MiniCluster's dirs) go to `dir` too, removed below.
  const java = ["-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", `-Djava.io.tmpdir=${dir}`];
  const run = spawnSync("java", [...java, "-cp", compiledOracle(), "FlinkCepOracle", file, ...cases.map((c) => c.name)], {
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`the Flink CEP oracle failed (exit ${run.status}): ${run.stderr.slice(-3000)}`);
  return run.stdout.split("\n").filter((l) => l.includes("|"));
}

/** Lines grouped by case, key and kind (M/T), each group in emission order. */
function group(lines: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const line of lines) {
    const [name, key, kind] = line.split("|");
    const g = `${name}|${key}|${kind}`;
    let list = groups.get(g);
    if (list === undefined) groups.set(g, (list = []));
    list.push(line);
  }
  return groups;
}

export function compare(cases: CepCase[], flinkLines: string[], sluiceLines: string[]): CepOutcome[] {
  const flink = group(flinkLines);
  const sluice = group(sluiceLines);
  return cases.map((c) => {
    const mine = (g: Map<string, string[]>) => [...g].filter(([k]) => k.startsWith(`${c.name}|`));
    let diff: string | undefined;
    const keys = new Set([...mine(flink), ...mine(sluice)].map(([k]) => k));
    for (const k of [...keys].sort()) {
      const f = flink.get(k) ?? [];
      const s = sluice.get(k) ?? [];
      const i = f.findIndex((line, j) => line !== s[j]);
      const at = i >= 0 ? i : f.length !== s.length ? f.length : -1;
      if (at >= 0) {
        diff = `${k} #${at}: flink ${f[at] ?? "(none)"} | sluice ${s[at] ?? "(none)"} (flink ${f.length}, sluice ${s.length})`;
        break;
      }
    }
    const count = (g: Map<string, string[]>, kind: string) => mine(g).reduce((n, [k, v]) => n + (k.endsWith(`|${kind}`) ? v.length : 0), 0);
    return { name: c.name, flink: count(flink, "M"), sluice: count(sluice, "M"), timeouts: count(flink, "T"), diff };
  });
}

export async function runCepOracle(cases: CepCase[] = CEP_CASES, seed = 1, n = 600, keys = 3): Promise<CepOutcome[]> {
  const events = generateEvents(seed, n, keys);
  const flinkLines = runFlink(cases, events);
  const sluiceLines = await runSluice(cases, events);
  return compare(cases, flinkLines, sluiceLines);
}

export function formatCepTable(outcomes: CepOutcome[]): string {
  const rows = outcomes.map((o) => `| ${o.name} | ${o.flink} | ${o.sluice} | ${o.timeouts} | ${o.diff === undefined ? "same" : `DIFF ${o.diff}`} |`);
  return ["| case | Flink matches | Sluice matches | timeouts | result |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}
