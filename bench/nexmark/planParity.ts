/**
 * Plan parity of nexmark q0–q22 in SQL: the operator kinds of Flink 1.20.1's optimized execution plan
 * (its EXPLAIN, through the harness's SqlExplain over the same views and options as the conformance
 * table) beside those of Sluice's EXPLAIN, per query. Only stateful operators are compared (joins,
 * aggregates, ranks, …): stateless ones (Calc, scans, exchanges, watermark assigners) are listed, not
 * weighed, and Flink's two-phase aggregates (Local…/Global…, mini-batch) count as one aggregate.
 * Usage: node dist/bench/nexmark/planParity.js [--plans] [q0 q1 …]   (needs Java 17 and Maven;
 * --plans also prints both plans in full)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqlSession } from "../../engine/src/sql/index.js";
import { ADD_OPENS } from "../jvm.js";
import { flinkClasspath, QUERIES, sluiceScript } from "./sqlConformance.js";

type Plan = { lines: string[] } | { error: string };

/** Flink's optimized execution plans (a shared sub-plan once, then `Reused`), one JVM for all queries. */
export function flinkPlans(queries: string[]): Map<string, Plan> {
  const args = [...ADD_OPENS, "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", flinkClasspath()];
  const tmp = mkdtempSync(join(tmpdir(), "sluice-nexmark-explain-"));
  const out = spawnSync("java", [...args, "sluice.nexmark.SqlExplain", tmp, ...queries], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (out.status !== 0) throw new Error(`Flink EXPLAIN failed (exit ${out.status}): ${out.stderr.slice(-2000)}`);
  const plans = new Map<string, Plan>();
  let current: { query: string; lines: string[] } | undefined;
  for (const line of out.stdout.split("\n")) {
    if (line.startsWith("CASE ")) current = { query: line.slice(5), lines: [] };
    else if (line === "END" && current) plans.set(current.query, { lines: current.lines });
    else if (line.startsWith("ERROR ") && current) plans.set(current.query, { error: line.slice(6) });
    else current?.lines.push(line);
  }
  return plans;
}

/** Sluice's EXPLAIN of a query's SELECT (its operator graph, sources first). */
export async function sluicePlan(query: string): Promise<Plan> {
  const script = sluiceScript(query, 1000).trimEnd().replace(/;\s*$/, "");
  const cut = script.lastIndexOf(";");
  try {
    const results = await new SqlSession().execute(`${script.slice(0, cut + 1)}\nEXPLAIN ${script.slice(cut + 1).trim()}`);
    const last = results.at(-1);
    if (last?.kind !== "message") return { error: `EXPLAIN gave ${last?.kind ?? "nothing"}` };
    return { lines: last.text.split("== Operator Graph ==")[1]?.trim().split("\n") ?? [] };
  } catch (e) {
    return { error: (e as Error).message.replace(/\s+/g, " ") };
  }
}

/** Operator kinds that hold no state: listed, not compared. */
const STATELESS = new Set([
  "WindowTopPrune",
  "WindowMaxPrune",
  "Scan",
  "Calc",
  "WatermarkAssigner",
  "Exchange",
  "MiniBatchAssigner",
  "Sink",
  "Union",
  "Expand",
  "DropUpdateBefore",
  "Reused",
  "WindowTableFunction",
]);

/** Kinds of a Flink execution plan, sources first; Local…/Global…/Incremental… phases named by the aggregate they split. */
export function flinkKinds(lines: string[]): string[] {
  const kinds: string[] = [];
  for (const line of [...lines].reverse()) {
    const name = /^[\s:|+-]*([A-Za-z]+)\(/.exec(line)?.[1];
    if (!name) continue;
    if (/Scan$/.test(name)) kinds.push("Scan");
    // A two-phase aggregate is one aggregate of the query: its Local… half is counted with the Global… one.
    else if (/^Local(Group|Window)Aggregate$/.test(name)) continue;
    else kinds.push(name.replace(/^(Global|Incremental)/, ""));
  }
  return kinds;
}

/** Kinds of a Sluice EXPLAIN graph, by the names its operators take (Flink's where Flink has one). */
export function sluiceKinds(lines: string[]): string[] {
  return lines.flatMap((line) => {
    const name = /^\[\d+\] (.*), parallelism=/.exec(line)?.[1]?.replace(/#\d+$/, "");
    if (name === undefined) return [];
    if (name.startsWith("Sink:")) return ["Sink"];
    // A filter fused into a Calc (sql/calc/calc.ts CalcGate): the Calc, then what it runs.
    if (name.startsWith("Calc + ")) return ["Calc", /^(\w+)\(/.exec(name.slice(7))?.[1] ?? name.slice(7)];
    if (name.startsWith("watermarks ")) return ["WatermarkAssigner"];
    if (/^\w+\[\w[\w-]*\]$/.test(name)) return ["Scan"];
    if (/^(WHERE|SELECT|HAVING|nexmark rows|computed columns|columns the join needs|rowtime|decode )/.test(name)) return ["Calc"];
    if (name === "window aggregate" || /^(TUMBLE|HOP|CUMULATE|SESSION) /.test(name)) return ["WindowAggregate"];
    if (name === "as changelog" || name === "to changelog" || name === "append-only") return [];
    const call = /^(\w+)\(/.exec(name)?.[1];
    return [call ?? name];
  });
}

/** The kinds compared, in order; consecutive Calcs as one. */
function summary(kinds: string[]): string {
  return kinds.filter((k, i) => k !== "Exchange" && k !== "MiniBatchAssigner" && !(k === "Calc" && kinds[i - 1] === "Calc")).join(" → ");
}

/**
 * Operators Sluice adds to Flink's plan on purpose, with why: stateless (so not weighed), named in the
 * row's note so the difference is said.
 */
const SLUICE_ONLY: Record<string, string> = {
  JoinGroupAggregate:
    "Sluice only: Join and the GroupAggregate over it run as one operator, JoinGroupAggregate (the GROUP BY holds the join key, so a group's accumulator lives beside the join's rows and a matching pair updates it in place; the same changes, test/flink-sql/cases/joinGroupAggregate.ts)",
  WindowGroupJoin:
    "Sluice only: the two window aggregates without aggregate functions and the inner window join on their group columns run as one operator, WindowGroupJoin (each window's distinct groups of both sides held per join key in the join's pane, joined when the watermark fires it; the same rows, test/flink-sql/cases/windowGroupJoin.ts)",
  WindowMaxJoin:
    "Sluice only: the MAX per window over the counts and the window join of the counts with it run as one operator, WindowMaxJoin (per window the best count so far and the rows that have it, joined when the watermark fires it; at parallelism > 1 WindowMaxPrune drops each subtask's counts below its own best before the exchange; the same rows, test/flink-sql/cases/windowMaxJoin.ts)",
  WindowTopPrune:
    "Sluice only: WindowTopPrune drops the bids below their window's running MAX before the join (Flink's regular join keeps every bid; the join's rows are the same, test/flink-sql/cases/windowTop.ts), and the Join frees bids by the watermark",
};

/** Kinds that are one operator under two names: Flink's legacy group window aggregate is the window TVF aggregate Sluice plans it as. */
const SAME_AS: Record<string, string> = { GroupWindowAggregate: "WindowAggregate" };

/** Sluice's operators that do the work of several of Flink's plan (sql/joins/joinGroupAggregate.ts, windowGroupJoin.ts): compared as those. */
const FUSED: Record<string, string[]> = {
  JoinGroupAggregate: ["Join", "GroupAggregate"],
  WindowGroupJoin: ["WindowAggregate", "WindowAggregate", "WindowJoin"],
  WindowMaxJoin: ["WindowAggregate", "WindowJoin"],
};

function stateful(kinds: string[]): string {
  return kinds
    .flatMap((k) => FUSED[k] ?? [k])
    .filter((k) => !STATELESS.has(k))
    .map((k) => SAME_AS[k] ?? k)
    .sort()
    .join(", ");
}

export interface ParityRow {
  query: string;
  flink: string;
  sluice: string;
  same: "yes" | "NO" | "-";
  /** What Sluice's plan adds on purpose, and why (SLUICE_ONLY). */
  note?: string;
}

export async function planParity(queries: string[], print = false): Promise<ParityRow[]> {
  const flink = flinkPlans(queries);
  const rows: ParityRow[] = [];
  for (const query of queries) {
    const f = flink.get(query) ?? { error: "no output from Flink" };
    const s = await sluicePlan(query);
    if (print) console.log(`== ${query}: Flink ==\n${"lines" in f ? f.lines.join("\n") : f.error}\n== ${query}: Sluice ==\n${"lines" in s ? s.lines.join("\n") : s.error}\n`);
    const fk = "lines" in f ? flinkKinds(f.lines) : undefined;
    const sk = "lines" in s ? sluiceKinds(s.lines) : undefined;
    const notes = [...new Set(sk ?? [])].flatMap((k) => SLUICE_ONLY[k] ?? []);
    rows.push({
      query,
      flink: fk ? summary(fk) : `cannot plan: ${"error" in f ? f.error.slice(0, 80) : ""}`,
      sluice: sk ? summary(sk) : `cannot plan: ${"error" in s ? s.error.slice(0, 80) : ""}`,
      same: fk && sk ? (stateful(fk) === stateful(sk) ? "yes" : "NO") : "-",
      ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
    });
  }
  return rows;
}

export function formatParity(rows: ParityRow[]): string {
  const lines = ["| query | Flink 1.20.1 (optimized execution plan) | Sluice (EXPLAIN) | same stateful operators |", "|---|---|---|---|"];
  for (const r of rows) lines.push(`| ${r.query} | ${r.flink} | ${r.sluice} | ${r.same}${r.note ? ` (${r.note})` : ""} |`);
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const rows = await planParity(wanted.length > 0 ? wanted : QUERIES, process.argv.includes("--plans"));
  console.log(formatParity(rows));
  console.log(
    `\n(sources first; Exchange and MiniBatchAssigner left out, consecutive Calcs as one; ${rows.filter((r) => r.same === "yes").length} same, ${rows.filter((r) => r.same === "NO").length} differ)`,
  );
}
