/**
 * The Flink SQL oracle: runs each case's SQL text on Apache Flink's SQL engine (the Java main
 * sluice.sqloracle.SqlOracle, a TableEnvironment on a local MiniCluster, Flink from Maven Central)
 * and on Sluice's SqlSession, folds both changelogs to final tables, and compares them as multisets.
 * Values are compared after one normalisation: numbers to 12 significant digits (Flink prints
 * DECIMAL/DOUBLE as 21.0, Sluice's numbers are JavaScript's), timestamps as Flink prints them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { ADD_OPENS } from "../../bench/jvm.js";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { displayValue, SqlSession } from "../../engine/src/sql/index.js";
import { directoriesWith, visibleLines } from "../../engine/src/sql/connectors/filesystem/visibleLines.js";
import { BID_CSV, ORDERS_CSV, SPARSE_CSV, type OracleCase } from "./cases.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** SLUICE_SQL_ORACLE_DIR builds the Java main elsewhere (a worktree changing it, without touching the shared build). */
const BUILD = process.env.SLUICE_SQL_ORACLE_DIR ?? join(ROOT, ".cache/flink-sql-oracle");

/** A final table (sorted rows), and the changelog it folds from (`+I[…]` lines, in order). */
export type Result = { rows: string[]; changes: string[] } | { error: string };

export interface CaseOutcome {
  name: string;
  flink: Result;
  sluice: Result;
  /** Both ran and their final tables are equal. */
  same: boolean;
  /** The case's verdict: same, or different where the case marks a Flink bug. */
  ok: boolean;
  flinkBug?: string;
}

/** Builds the Java main once (Maven, jars from Maven Central cached in ~/.m2) and returns its classpath. */
export function oracleClasspath(): string {
  const jar = join(BUILD, "flink-sql-oracle-0.1.0.jar");
  const cp = join(BUILD, "classpath.txt");
  // CountChar: the nexmark UDF class the function cases create (cases/functions.ts), compiled from the Nexmark harness's source (pom.xml).
  const inputs = ["test/flink-sql/src/main/java/sluice/sqloracle/SqlOracle.java", "bench/nexmark/flink-udf/com/github/nexmark/flink/udf/CountChar.java", "test/flink-sql/pom.xml"].map((f) =>
    join(ROOT, f),
  );
  const stale = !existsSync(jar) || !existsSync(cp) || inputs.some((f) => statSync(f).mtimeMs > statSync(jar).mtimeMs);
  if (stale) execFileSync("mvn", ["-q", "-B", "--strict-checksums", "-f", join(ROOT, "test/flink-sql/pom.xml"), "package", `-Doracle.build.dir=${BUILD}`], { stdio: ["ignore", "ignore", "inherit"] });
  return `${jar}:${readFileSync(cp, "utf8").trim()}`;
}

/** A case's script for each side: Flink's file, Sluice's text, and each side's directories for the case's `sinks`. */
interface Script {
  path: string;
  sql: string;
  flinkSinks: Record<string, string>;
  sluiceSinks: Record<string, string>;
}

/** Writes the shared input and each case's script into `dir`; returns the scripts by case name. */
function materialise(dir: string, cases: OracleCase[]): Map<string, Script> {
  const orders = join(dir, "orders.csv");
  writeFileSync(orders, ORDERS_CSV);
  const sparse = join(dir, "sparse.csv");
  writeFileSync(sparse, SPARSE_CSV);
  const bid = join(dir, "bid.csv");
  writeFileSync(bid, BID_CSV);
  return new Map(
    cases.map((c) => {
      let sql = c.sql;
      for (const [name, text] of Object.entries(c.files ?? {})) {
        const path = join(dir, `${c.name}-${name}.csv`);
        writeFileSync(path, text);
        sql = sql.replaceAll(`{${name}}`, path);
      }
      sql = sql.replaceAll("{orders}", orders).replaceAll("{sparse}", sparse).replaceAll("{bid}", bid);
      // Each side writes its own copy of a sink's directory: the files are what the case compares.
      const sinks = (side: string): Record<string, string> => Object.fromEntries((c.sinks ?? []).map((name) => [name, join(dir, `${c.name}-${name}-${side}`)]));
      const withSinks = (dirs: Record<string, string>): string => Object.entries(dirs).reduce((text, [name, path]) => text.replaceAll(`{${name}}`, path), sql);
      const flinkSinks = sinks("flink");
      const sluiceSinks = sinks("sluice");
      const path = join(dir, `${c.name}.sql`);
      writeFileSync(path, withSinks(flinkSinks));
      return [c.name, { path, sql: withSinks(sluiceSinks), flinkSinks, sluiceSinks }];
    }),
  );
}

/**
 * One JVM (and one MiniCluster) for all cases: Flink's planner costs seconds the first time, much
 * less after. Its temp files (the RPC system's jar Flink unpacks at every start, the MiniCluster's
 * working dir) go to `tmp`, which the caller removes: left in /tmp they piled up by the thousand.
 */
export function runFlink(scripts: { path: string }[], tmp: string): Map<string, Result> {
  // Flink's launcher opens the JDK internals its serializers reach into (a legacy CSV scan's Kryo does): so does this JVM.
  const java = [...ADD_OPENS, "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", `-Djava.io.tmpdir=${tmp}`];
  const out = spawnSync("java", [...java, "-cp", oracleClasspath(), "sluice.sqloracle.SqlOracle", ...scripts.map((s) => s.path)], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (out.status !== 0) throw new Error(`the Flink SQL oracle failed (exit ${out.status}): ${out.stderr.slice(-2000)}`);
  const results = new Map<string, Result>();
  let current: { file: string; changelog: { kind: string; row: unknown[] }[] } | undefined;
  for (const line of out.stdout.split("\n")) {
    if (line.startsWith("CASE ")) current = { file: line.slice(5), changelog: [] };
    else if (line.startsWith("ROW ") && current) {
      const [kind, ...rest] = line.slice(4).split(" ");
      // Java writes a DOUBLE's Infinity and NaN bare, which JSON has not: read them as the strings normalise() makes of them.
      current.changelog.push({ kind: kind as string, row: JSON.parse(rest.join(" ").replace(/(?<=[[,])(-?Infinity|NaN)(?=[,\]])/g, '"$1"')) as unknown[] });
    } else if ((line === "END" || line.startsWith("ERROR ")) && current) {
      results.set(current.file, line === "END" ? foldFlink(current.changelog) : { error: line.slice(6) });
      current = undefined;
    }
  }
  return results;
}

const UNFOLDABLE = "its changelog does not fold: ";

/** Flink's changelog folded, or (a Flink bug: it retracts a row it does not hold) an error saying so, for the case to judge. */
function foldFlink(changelog: { kind: string; row: unknown[] }[]): Result {
  try {
    return { rows: fold(changelog), changes: changeLines(changelog) };
  } catch (e) {
    return { error: `${UNFOLDABLE}${(e as Error).message}` };
  }
}

/** A changelog folded to its final table: +I/+U add a row, -U/-D remove one. Sorted, so tables compare as multisets. */
export function fold(changelog: { kind: string; row: unknown[] }[]): string[] {
  const table: string[] = [];
  for (const { kind, row } of changelog) {
    const key = JSON.stringify(row.map(normalise));
    if (kind === "+I" || kind === "+U") table.push(key);
    else {
      const at = table.indexOf(key);
      if (at < 0) throw new Error(`${kind} of a row not in the table: ${key}`);
      table.splice(at, 1);
    }
  }
  return table.sort();
}

function changeLines(changelog: { kind: string; row: unknown[] }[]): string[] {
  return changelog.map(({ kind, row }) => `${kind}${JSON.stringify(row.map(normalise))}`);
}

function normalise(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return typeof v === "number" ? Number(v.toPrecision(12)) : v;
}

/** The rows of the files a case's sinks wrote, each as `sink/partition-dir|line`, sorted (a multiset per partition directory). */
function sinkFiles(dirs: Record<string, string>): Result {
  const rows = Object.entries(dirs).flatMap(([name, dir]) => [
    ...visibleLines(dir).map((line) => `${name}/${line}`),
    ...directoriesWith(dir, "_SUCCESS").map((partition) => `${name}/${partition}|<_SUCCESS>`),
  ]);
  return { rows: rows.sort(), changes: [] };
}

export async function runSluice(sql: string, sinks?: Record<string, string>): Promise<Result> {
  try {
    const results = await new SqlSession().execute(sql);
    if (sinks && Object.keys(sinks).length > 0) return sinkFiles(sinks);
    const last = results[results.length - 1];
    if (last?.kind !== "table") return { error: `the last statement gave ${last?.kind ?? "nothing"}, not a bounded table` };
    // An updating result's own changelog (+I/-U/+U/-D), else append-only rows (+I); timestamps shown as Flink shows them.
    const changelog = last.changelog ?? last.rows.map((row) => ({ kind: "+I", row }));
    const shown = changelog.map((c) => ({ kind: c.kind, row: c.row.map((v, i) => (last.columns[i]?.type.name === "TIMESTAMP" && v !== null ? displayValue(v, last.columns[i]?.type) : v)) }));
    return { rows: fold(shown), changes: changeLines(shown) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Each row cut to its first `n` columns, booleans as DESCRIBE prints them (TRUE/FALSE), for cases that compare only those. */
function firstColumns(result: Result, n: number | undefined): Result {
  if (n === undefined || "error" in result) return result;
  const cut = (json: string): string => JSON.stringify((JSON.parse(json) as unknown[]).slice(0, n).map((v) => (typeof v === "boolean" ? String(v).toUpperCase() : v)));
  return { rows: result.rows.map(cut).sort(), changes: result.changes.map((line) => `${line.slice(0, 2)}${cut(line.slice(2))}`) };
}

export async function runOracle(cases: OracleCase[]): Promise<CaseOutcome[]> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-flink-oracle-"));
  try {
    return await compare(cases, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function compare(cases: OracleCase[], dir: string): Promise<CaseOutcome[]> {
  const scripts = materialise(dir, cases);
  const flink = runFlink([...scripts.values()], dir);
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const script = scripts.get(c.name) as Script;
    const flinkResult = flink.get(script.path) ?? { error: "no output from the oracle" };
    const f = firstColumns(c.sinks && "rows" in flinkResult ? sinkFiles(script.flinkSinks) : flinkResult, c.columns);
    const s = firstColumns(await runSluice(script.sql, script.sluiceSinks), c.columns);
    const same = c.error
      ? "error" in f && "error" in s && c.error.test(f.error) && c.error.test(s.error)
      : "rows" in f &&
        "rows" in s &&
        JSON.stringify(f.rows) === JSON.stringify(s.rows) &&
        (!c.exactChangelog || JSON.stringify(f.changes) === JSON.stringify(s.changes)) &&
        (!c.appendOnly || [...f.changes, ...s.changes].every((line) => line.startsWith("+I")));
    const bug = c.flinkBug === undefined ? {} : { flinkBug: c.flinkBug };
    outcomes.push({ name: c.name, flink: f, sluice: s, same, ok: c.flinkBug === undefined ? same : !same && ("rows" in f || f.error.startsWith(UNFOLDABLE)) && "rows" in s, ...bug });
  }
  return outcomes;
}

/** A plain-text table of outcomes: case, verdict, rows on each side, the first difference or error. */
export function formatOutcomes(outcomes: CaseOutcome[]): string {
  const rows = outcomes.map((o) => {
    const count = (r: CaseOutcome["flink"]): string => ("rows" in r ? String(r.rows.length) : "error");
    let note = "";
    if ("error" in o.flink) note = `flink: ${o.flink.error}`;
    else if ("error" in o.sluice) note = `sluice: ${o.sluice.error}`;
    else if (!o.same && JSON.stringify(o.flink.rows) === JSON.stringify("rows" in o.sluice && o.sluice.rows)) {
      const at = o.flink.changes.findIndex((line, i) => "changes" in o.sluice && line !== o.sluice.changes[i]);
      note = `changelogs differ at change ${at}: flink ${o.flink.changes[at] ?? "-"}, sluice ${"changes" in o.sluice ? (o.sluice.changes[at] ?? "-") : "-"}`;
    } else if (!o.same) {
      const f = o.flink.rows.find((r) => !("rows" in o.sluice && o.sluice.rows.includes(r)));
      const s = o.sluice.rows.find((r) => !("rows" in o.flink && o.flink.rows.includes(r)));
      note = `flink has ${f ?? "-"}, sluice has ${s ?? "-"}`;
    }
    if (o.flinkBug !== undefined) note = o.ok ? `Flink bug: ${o.flinkBug} (${note})` : `marked as a Flink bug but ${o.same ? "now the same: remove the mark" : "did not run"}: ${note}`;
    const verdict = o.flinkBug !== undefined && o.ok ? "FLINK BUG" : o.same ? "same" : "DIFFERENT";
    return [o.name, verdict, count(o.flink), count(o.sluice), note.slice(0, 220)];
  });
  const header = ["case", "verdict", "flink rows", "sluice rows", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]): string =>
    r
      .map((v, i) => v.padEnd(widths[i] as number))
      .join(" | ")
      .trimEnd();
  const passed = outcomes.filter((o) => o.ok).length;
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(fmt), "", `${passed} passed, ${outcomes.length - passed} failed`].join("\n");
}
