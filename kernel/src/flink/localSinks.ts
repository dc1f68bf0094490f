/**
 * Sluice-only sinks for Flink jobs. A `'connector' = 'duckdb'` table of a `--target flink` cell is
 * created in the kernel's catalog (the one `%%ssql` cells share), not on Flink, which has no such
 * connector and cannot reach the kernel's DuckDB. `INSERT INTO` such a table runs its query on Flink
 * as a SELECT; the changelog that comes back through the gateway is written by a local job into
 * the kernel's DuckDB table: appended without a PRIMARY KEY, upserted (and deleted) by it with one,
 * as the local INSERT writes. Everything is checked before the first statement is sent.
 */
import { defaultSqlSession, flinkGateway, type JobHandle, StreamEnvironment, StreamSqlError } from "../../../engine/src/index.js";
import { changelogSinkFor, parseScript } from "../../../engine/src/host.js";
import { MagicUsageError } from "../magics/magic.js";
import type { MagicEnv } from "../magics/magic.js";
import type { FlinkConnection } from "./flinkConnection.js";
import { type FlinkStatement, insertInto, isSluiceOnlyTable, sluiceOnlyConnector, tablesRead } from "./statements.js";

/** What the cell shows for a statement run here. */
export type LocalOutcome = { kind: "message"; text: string } | { kind: "job"; value: unknown };

/** The Sluice-only tables of the kernel's catalog by (lower-case) name. */
function kernelTables(): Set<string> {
  const catalog = defaultSqlSession().catalog;
  return new Set(
    catalog
      .names()
      .filter((n) => {
        const e = catalog.get(n);
        return e?.kind === "table" && sluiceOnlyConnector(e.options.connector);
      })
      .map((n) => n.toLowerCase()),
  );
}

/**
 * Throws before anything is sent when a statement cannot run: a Sluice-only DDL that does not
 * parse, a query reading a Sluice-only table (Flink cannot read the kernel's DuckDB), an INSERT
 * naming its target's columns. `line` maps a statement's line to the cell's.
 */
export function checkCell(statements: FlinkStatement[], line: (s: FlinkStatement) => number): void {
  const local = kernelTables();
  for (const s of statements) {
    if (isSluiceOnlyTable(s)) {
      try {
        parseScript(s.text);
      } catch (error) {
        if (error instanceof StreamSqlError) throw new MagicUsageError(`${error.detail} (cell line ${line(s) + (error.position?.line ?? 1) - 1}); nothing of this cell was sent to Flink`);
        throw error;
      }
      const name = /^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.`]+)/i.exec(s.text)?.[1];
      if (name) local.add((name.split(".").at(-1) ?? name).replace(/`/g, "").toLowerCase());
      continue;
    }
    if (s.kind !== "query" && s.kind !== "insert") continue;
    const insert = insertInto(s.text);
    if (s.kind === "insert" && insert === undefined && /^\s*INSERT\s+INTO\s+([\w.`]+)\s*\(/i.test(s.text)) {
      const target = /^\s*INSERT\s+INTO\s+([\w.`]+)/i.exec(s.text)?.[1]?.replace(/`/g, "").toLowerCase() ?? "";
      if (local.has(target.split(".").at(-1) ?? target))
        throw new MagicUsageError(`INSERT INTO ${target} (…) (cell line ${line(s)}): a column list is not supported for a Sluice-only table; select its columns in order`);
    }
    const read = tablesRead(insert?.query ?? s.text).find((t) => local.has(t));
    if (read !== undefined)
      throw new MagicUsageError(
        `'${read}' (cell line ${line(s)}) is a Sluice-only table kept in the kernel: a Flink job cannot read it, so nothing of this cell was sent to Flink. Read it with --target local or %%sql`,
      );
  }
}

/** Whether the statement runs here rather than on Flink: Sluice-only DDL, or an INSERT INTO a Sluice-only table. */
export function runsLocally(s: FlinkStatement): "ddl" | "insert" | undefined {
  if (isSluiceOnlyTable(s)) return "ddl";
  const insert = s.kind === "insert" ? insertInto(s.text) : undefined;
  return insert && kernelTables().has(insert.table) ? "insert" : undefined;
}

export async function createLocally(s: FlinkStatement): Promise<LocalOutcome> {
  const results = await defaultSqlSession().execute(s.text);
  return { kind: "message", text: results.map((r) => (r.kind === "message" ? r.text : "")).join("\n") || "[INFO] Execute statement succeeded." };
}

/**
 * The INSERT's query runs on Flink; a local job writes its changelog into the kernel's table. A
 * bounded one holds the cell until its last row is written; an unbounded one returns its job.
 */
export async function insertLocally(
  s: FlinkStatement,
  env: MagicEnv,
  flink: FlinkConnection,
  session: flinkGateway.FlinkSession,
  rest: flinkGateway.FlinkRestClient,
  remember: (jobId: string, local?: JobHandle) => void,
): Promise<LocalOutcome> {
  const { table, query } = insertInto(s.text) as { table: string; query: string };
  const bounded = flink.catalog.isBounded(query);
  const operation = await session.submit(query);
  const abort = new AbortController();
  let sink: ReturnType<typeof changelogSinkFor>;
  try {
    // The result's schema: Flink's own validation error surfaces here as the cell's, and the width is checked.
    const columns = await env.interruptible(
      () => operation.schema(abort.signal),
      () => abort.abort(),
    );
    sink = changelogSinkFor(defaultSqlSession(), table, columns.length);
  } catch (error) {
    if (operation.jobId !== undefined) await rest.cancelJob(operation.jobId).catch(() => undefined); // it may not have started
    await operation.close();
    throw error;
  }
  const name = `flink → ${sink.table.name}: ${query.replace(/\s+/g, " ").slice(0, 60)}`;
  const local = StreamEnvironment.create();
  let job: JobHandle | undefined;
  local
    .fromSource(flinkGateway.flinkResultSource(operation, { bounded, rest, onJobId: (jobId) => remember(jobId, job) }), undefined, name)
    .sinkTo(sink.sink)
    .name(`Sink: ${sink.table.name}`);
  job = local.execute(name);
  if (!bounded) return { kind: "job", value: job };
  const running = job;
  await env.interruptible(
    () => running.wait(),
    () => void running.cancel(),
  );
  const jobId = operation.jobId;
  return { kind: "message", text: `[INFO] Flink job ${jobId ?? ""} finished; its rows are in ${sink.table.options.connector} table ${sink.table.options["table-name"] ?? sink.table.name}` };
}
