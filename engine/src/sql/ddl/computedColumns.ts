/**
 * Computed columns of CREATE TABLE (`name AS expr`, Flink's "computed column"): not read from the
 * connector but evaluated over the physical columns of each scanned row, in declared position, so a
 * WATERMARK can be declared on one (nexmark's ddl_gen.sql: `dateTime AS CASE … END`).
 */
import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { ColumnDef, Expr } from "../ast.js";
import type { Column, TableEntry } from "../catalog.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import { scanTable, type ScanResult } from "../connectors.js";
import { StreamSqlError } from "../errors.js";

/** The table's columns with each computed column's type inferred from its expression over the physical columns. */
export function resolveColumns(defs: ColumnDef[]): Column[] {
  const physical = defs.filter((c) => !c.expr).map((c) => ({ name: c.name, type: { ...c.type } }));
  const scope = physicalScope(physical);
  return defs.map((c) => {
    if (!c.expr) return physical.find((p) => p.name === c.name) as Column;
    const { type } = new ExprCompiler(scope).value(c.expr);
    if (type.name === "NULL") throw new StreamSqlError("validation", `the type of computed column ${c.name} cannot be inferred (its expression is NULL)`, c.expr.at, c.name);
    return { name: c.name, type: { ...type }, computed: c.expr };
  });
}

/** The connector's rows (physical columns only), widened to the table's columns when some are computed. */
export function scanWithComputedColumns(env: StreamEnvironment, table: TableEntry): ScanResult {
  if (!table.columns.some((c) => c.computed)) return scanTable(env, table);
  const scan = appendScan(scanTable(env, physicalTable(table)), table);
  const stream = scan.stream.map(computedRow(table)).name(`computed columns ${table.name}`);
  // At the scan's own parallelism, so a watermark on a computed column is still made per reader.
  if (scan.parallelism !== undefined) stream.setParallelism(scan.parallelism);
  return { ...scan, stream };
}

/** The table as its connector reads it: the physical columns only. */
export function physicalTable(table: TableEntry): TableEntry {
  return { ...table, columns: table.columns.filter((c) => !c.computed) };
}

/** A row of the physical columns widened to the table's row: each computed column evaluated in declared position. */
export function computedRow(table: TableEntry): (row: unknown[]) => unknown[] {
  const physical = table.columns.filter((c) => !c.computed);
  const exprs: Expr[] = table.columns.map((c) => c.computed ?? { kind: "column", name: c.name, at: { line: 1, column: 1 } });
  return new ExprCompiler(physicalScope(physical)).rowFunction(exprs).fn;
}

/** Computed columns over a changelog source (upsert-kafka) would need computing each change's row: not yet. */
function appendScan(scan: ScanResult, table: TableEntry): Extract<ScanResult, { stream: unknown }> & { changes?: undefined } {
  if (scan.changes) throw new StreamSqlError("unsupported", `computed columns on the changelog table '${table.name}' are not supported yet`, undefined, table.name);
  return scan;
}

function physicalScope(columns: Column[]): ScopeColumn[] {
  return columns.map((c, index) => ({ name: c.name, type: c.type, index }));
}
