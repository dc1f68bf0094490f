import type { DuckDBConnection } from "@duckdb/node-api";
import { duckdbTable } from "../connectors/duckdb/DuckDbTableSink.js";
import { sharedDatabase } from "../connectors/duckdb/sharedDatabase.js";
import { quoteIdent, type ColumnKind } from "../connectors/duckdb/tableSchema.js";
import type { Sink, SinkWriter } from "../sinks/Sink.js";
import type { TableEntry } from "./catalog.js";
import type { Change } from "./changelog.js";
import type { Row } from "./connectors.js";
import { StreamSqlError } from "./errors.js";
import type { SqlType } from "./types.js";

/**
 * Sluice's `'connector' = 'duckdb'`: rows land in a table of the kernel-wide DuckDB database that
 * `%%sql` cells query. Without a PRIMARY KEY rows are appended; with one they are upserted by it.
 */
export function duckdbSink(table: TableEntry): Sink<Row> {
  const target = table.options["table-name"] ?? table.name;
  const names = table.columns.map((c) => c.name);
  const columns = Object.fromEntries(table.columns.map((c) => [c.name, kindOf(c.type)]));
  const inner = duckdbTable<Record<string, unknown>>(target, table.primaryKey ? { mode: "upsert", key: table.primaryKey, columns } : { columns });
  return {
    name: `duckdb ${target}`,
    createWriter: (ctx) => {
      const w = inner.createWriter(ctx);
      return {
        ...bind(w),
        write: (rows, ts) =>
          w.write(
            rows.map((r) =>
              record(
                names,
                table.columns.map((c) => c.type),
                r,
              ),
            ),
            ts,
          ),
      };
    },
  };
}

/**
 * An updating query into a duckdb table with a PRIMARY KEY: per batch the last change of each key
 * wins; +I/+U upsert the row, -D deletes it, and a -U is dropped when a +U of its key follows in
 * the batch, else deletes (a group a later filter dropped), as Flink's upsert sinks see no -U.
 */
export function duckdbChangelogSink(table: TableEntry): Sink<Change> {
  const key = table.primaryKey;
  if (!key) throw new StreamSqlError("validation", `Table sink '${table.name}' doesn't support consuming update changes: declare PRIMARY KEY (…) NOT ENFORCED`, undefined, table.name);
  const target = table.options["table-name"] ?? table.name;
  const rows = duckdbSink(table);
  const keyIdx = key.map((k) => table.columns.findIndex((c) => c.name.toLowerCase() === k.toLowerCase()));
  return {
    name: rows.name,
    createWriter: (ctx) => {
      const upserts = rows.createWriter(ctx);
      let conn: DuckDBConnection | undefined;
      const writer: SinkWriter<Change> = {
        ...bind(upserts),
        open: async () => {
          await upserts.open?.();
          conn = await (await sharedDatabase()).connect();
        },
        write: async (changes) => {
          const last = new Map<string, Change>();
          for (const c of changes) {
            const k = JSON.stringify(keyIdx.map((i) => c.row[i]));
            last.delete(k); // keep the order of the last change per key
            last.set(k, c);
          }
          const up = [...last.values()].filter((c) => c.kind === "+I" || c.kind === "+U").map((c) => c.row);
          const del = [...last.values()].filter((c) => c.kind === "-D" || c.kind === "-U").map((c) => c.row);
          if (del.length > 0 && conn) {
            const exists = await conn.runAndReadAll(`SELECT 1 FROM information_schema.tables WHERE table_name = $1`, [target]);
            if (exists.getRows().length > 0) {
              const where = key.map((k) => `${quoteIdent(k)} = $${key.indexOf(k) + 1}`).join(" AND ");
              for (const r of del) await conn.run(`DELETE FROM ${quoteIdent(target)} WHERE ${where}`, keyIdx.map((i) => value(r[i], table.columns[i]?.type)) as never);
            }
          }
          if (up.length > 0)
            await upserts.write(
              up,
              up.map(() => Number.NaN),
            );
        },
        close: () => {
          conn?.closeSync();
          upserts.close?.();
        },
      };
      return writer;
    },
  };
}

function bind<T>(w: SinkWriter<T>): Partial<SinkWriter<T>> {
  return {
    ...(w.open ? { open: () => w.open?.() } : {}),
    ...(w.flush ? { flush: () => w.flush?.() } : {}),
    ...(w.close ? { close: () => w.close?.() } : {}),
  };
}

function record(names: string[], types: SqlType[], r: Row): Record<string, unknown> {
  return Object.fromEntries(names.map((n, i) => [n, value(r[i], types[i])]));
}

function value(v: unknown, type: SqlType | undefined): unknown {
  return type?.name === "TIMESTAMP" && typeof v === "number" ? new Date(v) : v;
}

function kindOf(t: SqlType): ColumnKind {
  switch (t.name) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return "BIGINT";
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
      return "DOUBLE";
    case "BOOLEAN":
      return "BOOLEAN";
    case "TIMESTAMP":
      return "TIMESTAMP";
    default:
      return "VARCHAR";
  }
}
