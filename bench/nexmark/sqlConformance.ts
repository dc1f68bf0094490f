/**
 * Nexmark q0–q22 in SQL, conformance of Sluice against Flink 1.20.1 SQL: the nexmark repository's own
 * q*.sql texts (bench/nexmark/flink/src/main/resources/nexmark-sql, unchanged) over the same generated
 * events. Sluice runs ddl_gen.sql (its `nexmark` connector) + ddl_views.sql + the query; Flink runs the
 * same views and query over the harness's twin generator (SqlConformance.java). On both sides the final
 * `INSERT INTO nexmark_qN` (a blackhole table) is replaced by its SELECT, collected; the changelogs are
 * folded to final tables and compared as multisets (numbers to 12 significant digits, timestamps as
 * Flink prints them). A query whose INSERT goes into a filesystem table (q10: partitioned, with
 * partition commit) runs as written on both sides, each into a directory of its own for
 * `${NEXMARK_DIR}`, and the files are compared: the lines of the visible part files per partition
 * directory as multisets, and which partitions got their `_SUCCESS` file.
 * Usage: node dist/bench/nexmark/sqlConformance.js [--events 20000] [q0 q1 …]   (needs Java 17 and Maven)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { displayValue, SqlSession, StreamSqlError } from "../../engine/src/sql/index.js";
import { ADD_OPENS } from "../jvm.js";
import { directoriesWith, visibleLines } from "../../engine/src/sql/connectors/filesystem/visibleLines.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const FLINK_MODULE = join(ROOT, "bench/nexmark/flink");
export const SQL_DIR = join(FLINK_MODULE, "src/main/resources/nexmark-sql");
/**
 * The table options of nexmark's conf/config.yaml, as SqlQueries.OPTIONS sets them for Flink SQL, as SET
 * lines: both sides run the same configuration (mini-batch; the distinct-agg split is kept by Sluice's
 * session and has no effect there). SLUICE_SQL_MINIBATCH=off leaves them out (to measure without).
 * SLUICE_SQL_AGG_PHASE=TWO_PHASE|ONE_PHASE adds Sluice's side a `table.optimizer.agg-phase-strategy` (to measure
 * window aggregates in two phases against AUTO with one build: `SLUICE_SQL_AGG_PHASE=TWO_PHASE node dist/bench/nexmark/run.js …`).
 */
export function nexmarkSqlOptions(): string {
  const phases = process.env.SLUICE_SQL_AGG_PHASE;
  const strategy = phases ? `SET 'table.optimizer.agg-phase-strategy' = '${phases}';\n` : "";
  if (process.env.SLUICE_SQL_MINIBATCH === "off") return strategy;
  return [
    "SET 'table.exec.mini-batch.enabled' = 'true';",
    "SET 'table.exec.mini-batch.allow-latency' = '2s';",
    "SET 'table.exec.mini-batch.size' = '50000';",
    "SET 'table.optimizer.distinct-agg.split.enabled' = 'true';",
    strategy,
  ].join("\n");
}
export const QUERIES = Array.from({ length: 23 }, (_, i) => `q${i}`);
/** Events per second of event time, as the bench's default (`TPS` of ddl_gen.sql). */
const EPS = 10000;

/** The SQL features each query needs beyond projection, filter and window TVFs (read off the query files), named in the table when Sluice cannot run it. */
export const NEEDS: Record<string, string> = {
  q3: "regular join",
  q4: "regular join, then an updating GROUP BY over it",
  q5: "regular join of two HOP window aggregates",
  q6: "OVER window over ROW_NUMBER's retractions (Flink 1.20.1 rejects the file too: 'rownum' is not a column of the subquery, FLINK-19059)",
  q7: "regular join with a TUMBLE window aggregate",
  q8: "window join (TUMBLE on both sides)",
  q9: "regular join, Top-N (ROW_NUMBER), SELECT A.*",
  q11: "legacy group window GROUP BY SESSION(…), SESSION_START/END",
  q15: "COUNT(DISTINCT …), FILTER (WHERE …), DATE_FORMAT in GROUP BY",
  q16: "COUNT(DISTINCT …), FILTER (WHERE …), DATE_FORMAT in GROUP BY",
  q17: "FILTER (WHERE …), DATE_FORMAT in GROUP BY",
  q18: "deduplication (ROW_NUMBER … <= 1)",
  q19: "Top-N (ROW_NUMBER … <= 10)",
  q20: "regular join",
  q21: "REGEXP_EXTRACT",
  q22: "SPLIT_INDEX",
};

/** Queries both sides run whose results depend on the wall clock, so they are not compared. */
export const NOT_COMPARABLE: Record<string, string> = {
  q12: "a TUMBLE over PROCTIME(): windows of the wall clock at arrival, different every run (on this fast bounded input no 10 s window closes before the end, on either side)",
};

type Side = { rows: string[] } | { error: string; unsupported?: boolean };
export interface QueryOutcome {
  query: string;
  verdict: "same" | "differs" | "Sluice cannot run yet" | "Flink cannot run" | "Sluice error" | "runs; not comparable (processing time)";
  flinkRows: number | undefined;
  sluiceRows: number | undefined;
  note: string;
}

/** A query file's text with its final INSERT INTO replaced by the SELECT it inserts. */
export function selectOfQuery(text: string): string {
  return text.replace(/INSERT\s+INTO\s+\w+\s*\n/i, "");
}

/**
 * Where a query's INSERT writes when its target is a filesystem table (q10), with nexmark's runner
 * placeholders filled in for a run under `nexmarkDir` (as SqlConformance.java fills them); else undefined.
 */
export function fileSinkPath(query: string, nexmarkDir: string): string | undefined {
  const text = readFileSync(join(SQL_DIR, `${query}.sql`), "utf8");
  const target = /INSERT\s+INTO\s+(\w+)/i.exec(text)?.[1];
  const ddl = target === undefined ? undefined : new RegExp(`CREATE\\s+TABLE\\s+${target}\\s*\\(([\\s\\S]*?);`, "i").exec(text)?.[0];
  if (!ddl || !/'connector'\s*=\s*'filesystem'/.test(ddl)) return undefined;
  const path = /'path'\s*=\s*'([^']*)'/.exec(ddl)?.[1] ?? "";
  return nexmarkPlaceholders(path, nexmarkDir).replace(/^file:\/\//, "");
}

export function nexmarkPlaceholders(text: string, nexmarkDir: string): string {
  // nexmark's runner placeholders, `$` + `{NAME}` (not template literals); FLINK_HOME as SqlConformance.java fills it.
  return text
    .replace(/\$\{NEXMARK_DIR\}/g, nexmarkDir)
    .replace(/\$\{SUBMIT_TIME\}/g, "0")
    .replace(/\$\{FLINK_HOME\}/g, nexmarkDir);
}

/** Rows of q13's side input: nexmark's side_input_gen.sh runs SideInputGenerator with --num 10000. */
export const SIDE_INPUT_ROWS = 10000;

/**
 * q13's side input under `flinkHome` as nexmark's side_input_gen.sh writes it to $FLINK_HOME/data/side_input.txt
 * (SideInputGenerator: a line `i,i` for each i in [0, rows), so `mod(auction, rows)` always finds its row).
 */
export function writeSideInput(flinkHome: string, rows = SIDE_INPUT_ROWS): void {
  mkdirSync(join(flinkHome, "data"), { recursive: true });
  writeFileSync(join(flinkHome, "data/side_input.txt"), Array.from({ length: rows }, (_, i) => `${i},${i}\n`).join(""));
}

/** A filesystem sink's output as rows: each visible line with its partition directory, and each committed partition. */
function fileRows(dir: string): string[] {
  return [...visibleLines(dir), ...directoriesWith(dir, "_SUCCESS").map((p) => `${p}|<_SUCCESS>`)].sort();
}

/** The Sluice script of a query: ddl_gen.sql with nexmark's placeholders filled in as its runner does, ddl_views.sql, the query (its INSERT kept when it writes files under `nexmarkDir`). */
export function sluiceScript(query: string, events: number, nexmarkDir?: string): string {
  const vars: Record<string, string> = { TPS: String(EPS), EVENTS_NUM: String(events), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
  const read = (f: string) => readFileSync(join(SQL_DIR, f), "utf8");
  const gen = read("ddl_gen.sql").replace(/\$\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  const views = read("ddl_views.sql").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
  const text = read(`${query}.sql`);
  const body = nexmarkDir !== undefined && fileSinkPath(query, nexmarkDir) !== undefined ? text : selectOfQuery(text);
  return `${nexmarkSqlOptions()}${gen}\n${views};\n${nexmarkDir !== undefined ? nexmarkPlaceholders(body, nexmarkDir) : body}`;
}

/** A changelog folded to its final table (+I/+U add a row, -U/-D remove one), sorted so tables compare as multisets. */
export function fold(changelog: { kind: string; row: unknown[] }[]): string[] {
  const table = new Map<string, number>();
  for (const { kind, row } of changelog) {
    const key = JSON.stringify(row.map((v) => (typeof v === "number" ? Number(v.toPrecision(12)) : v)));
    const n = (table.get(key) ?? 0) + (kind === "+I" || kind === "+U" ? 1 : -1);
    if (n < 0) throw new Error(`${kind} of a row not in the table: ${key}`);
    if (n === 0) table.delete(key);
    else table.set(key, n);
  }
  return [...table].flatMap(([k, n]) => Array<string>(n).fill(k)).sort();
}

export async function runSluice(query: string, events: number): Promise<Side> {
  try {
    const nexmarkDir = mkdtempSync(join(tmpdir(), "sluice-nexmark-sql-sluice-"));
    writeSideInput(nexmarkDir);
    const results = await new SqlSession().execute(sluiceScript(query, events, nexmarkDir));
    const files = fileSinkPath(query, nexmarkDir);
    if (files !== undefined) return { rows: fileRows(files) };
    const last = results[results.length - 1];
    if (last?.kind !== "table") return { error: `the last statement gave ${last?.kind ?? "nothing"}, not a bounded table` };
    const changelog = last.changelog ?? last.rows.map((row) => ({ kind: "+I", row }));
    const shown = changelog.map((c) => ({ kind: c.kind, row: c.row.map((v, i) => (last.columns[i]?.type.name === "TIMESTAMP" && v !== null ? displayValue(v, last.columns[i]?.type) : v)) }));
    return { rows: fold(shown) };
  } catch (e) {
    const unsupported = e instanceof StreamSqlError && (e.kind === "unsupported" || e.kind === "parse");
    return { error: (e as Error).message.replace(/\s+/g, " "), unsupported };
  }
}

/** The harness jar (built here with Maven unless NEXMARK_FLINK_DIR names a built one) and its classpath. */
export function flinkClasspath(): string {
  const dir = process.env.NEXMARK_FLINK_DIR ?? join(ROOT, ".cache/nexmark-flink");
  const jar = join(dir, "nexmark-flink-0.1.0.jar");
  const javaFiles = (dir: string) => readdirSync(join(FLINK_MODULE, dir)).map((f) => join(FLINK_MODULE, dir, f));
  // ../flink-udf: nexmark's UDF classes its query files name (q14's CountChar), shared with the Flink SQL oracle (pom.xml).
  const sources = [join(FLINK_MODULE, "pom.xml"), ...javaFiles("src/main/java/sluice/nexmark"), ...javaFiles("../flink-udf/com/github/nexmark/flink/udf")];
  const stale = !existsSync(jar) || sources.some((f) => statSync(f).mtimeMs > statSync(jar).mtimeMs);
  if (stale) execFileSync("mvn", ["-q", "-B", "-f", join(FLINK_MODULE, "pom.xml"), "package", `-Dnexmark.build.dir=${dir}`], { stdio: ["ignore", "ignore", "inherit"] });
  return `${jar}:${readFileSync(join(dir, "classpath.txt"), "utf8").trim()}`;
}

/** One JVM for every query (Flink's planner is slow the first time only). */
export function runFlink(queries: string[], events: number): Map<string, Side> {
  const args = [...ADD_OPENS, "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", flinkClasspath()];
  const tmp = mkdtempSync(join(tmpdir(), "sluice-nexmark-sql-"));
  writeSideInput(tmp);
  // Flink's own temp files (the RPC jar it unpacks at every start, the MiniCluster's dirs) go to `tmp` too, removed below.
  const out = spawnSync("java", [`-Djava.io.tmpdir=${tmp}`, ...args, "sluice.nexmark.SqlConformance", String(events), String(EPS), tmp, ...queries], { encoding: "utf8", maxBuffer: 1 << 28 });
  try {
    if (out.status !== 0) throw new Error(`Flink SQL failed (exit ${out.status}): ${out.stderr.slice(-2000)}`);
    const results = new Map<string, Side>();
    let current: { query: string; changelog: { kind: string; row: unknown[] }[] } | undefined;
    for (const line of out.stdout.split("\n")) {
      if (line.startsWith("CASE ")) current = { query: line.slice(5), changelog: [] };
      else if (line.startsWith("ROW ") && current) {
        const space = line.indexOf(" ", 4);
        current.changelog.push({ kind: line.slice(4, space), row: JSON.parse(line.slice(space + 1)) as unknown[] });
      } else if ((line === "END" || line.startsWith("ERROR ")) && current) {
        // A file sink's output (q10) is read from `tmp`, so `tmp` goes only after this loop.
        const files = fileSinkPath(current.query, tmp);
        results.set(current.query, line === "END" ? { rows: files !== undefined ? fileRows(files) : fold(current.changelog) } : { error: line.slice(6) });
        current = undefined;
      }
    }
    return results;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function conformance(queries: string[], events: number): Promise<QueryOutcome[]> {
  const flink = runFlink(queries, events);
  const outcomes: QueryOutcome[] = [];
  for (const query of queries) {
    const f = flink.get(query) ?? { error: "no output from Flink" };
    const s = await runSluice(query, events);
    const count = (x: Side) => ("rows" in x ? x.rows.length : undefined);
    let verdict: QueryOutcome["verdict"];
    let note = "";
    if ("error" in s) {
      verdict = s.unsupported ? "Sluice cannot run yet" : "Sluice error";
      note = s.unsupported && NEEDS[query] ? `needs ${NEEDS[query]}; Sluice: ${s.error}` : s.error;
      if ("error" in f) note += ` (Flink: ${f.error})`;
    } else if (NOT_COMPARABLE[query] !== undefined) {
      verdict = "runs; not comparable (processing time)";
      note = NOT_COMPARABLE[query] + ("error" in f ? ` (Flink: ${f.error})` : "");
    } else if ("error" in f) {
      verdict = "Flink cannot run";
      note = f.error;
    } else if (JSON.stringify(f.rows) === JSON.stringify(s.rows)) verdict = "same";
    else {
      verdict = "differs";
      const sluiceRows = new Set(s.rows);
      const flinkRows = new Set(f.rows);
      note = `flink has ${f.rows.find((r) => !sluiceRows.has(r)) ?? "-"}, sluice has ${s.rows.find((r) => !flinkRows.has(r)) ?? "-"}`;
    }
    outcomes.push({ query, verdict, flinkRows: count(f), sluiceRows: count(s), note });
  }
  return outcomes;
}

export function formatConformance(outcomes: QueryOutcome[]): string {
  const header = ["query", "verdict", "flink rows", "sluice rows", "reason / first difference"];
  const rows = outcomes.map((o) => [o.query, o.verdict, String(o.flinkRows ?? "-"), String(o.sluiceRows ?? "-"), o.note.slice(0, 200)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i] as number))
      .join(" | ")
      .trimEnd();
  const tally = ["same", "differs", "Sluice cannot run yet", "Sluice error", "Flink cannot run", "runs; not comparable (processing time)"]
    .map((v) => `${outcomes.filter((o) => o.verdict === v).length} ${v}`)
    .join(", ");
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(fmt), "", tally].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--events");
  const events = at >= 0 ? Number(process.argv[at + 1]) : 20000;
  const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--events");
  const started = Date.now();
  const outcomes = await conformance(wanted.length > 0 ? wanted : QUERIES, events);
  console.log(formatConformance(outcomes));
  console.log(`(${events} events, Flink 1.20.1 SQL vs Sluice SQL, streaming mode, parallelism 1, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exitCode = outcomes.some((o) => o.verdict === "differs" || o.verdict === "Sluice error") ? 1 : 0;
}
