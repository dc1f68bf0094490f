/**
 * A changelog computed outside the engine (a Flink job's result read through the SQL Gateway)
 * written into a table of the session's catalog, as the engine's own INSERT INTO would write it:
 * appended when the table has no PRIMARY KEY (only inserts are accepted, as Flink's append-only
 * sinks accept them), upserted and deleted by the key when it has one.
 */
import type { Sink, SinkWriter } from "../../sinks/Sink.js";
import type { TableEntry } from "../catalog.js";
import type { Change } from "../changelog.js";
import { checkOptions, type Row, sinkFor } from "../connectors.js";
import { duckdbChangelogSink } from "../duckdbSink.js";
import { StreamSqlError } from "../errors.js";
import type { SqlSession } from "../SqlSession.js";
import { SQL_CONNECTORS } from "./registry.js";

/** The catalog table an outside changelog lands in; `width` is the changelog's column count, checked against the table's. */
export function changelogSinkFor(session: SqlSession, tableName: string, width: number): { table: TableEntry; sink: Sink<Change> } {
  const table = session.catalog.get(tableName);
  if (table?.kind !== "table") throw new StreamSqlError("validation", `Object '${tableName}' not found: CREATE TABLE it first`, undefined, tableName);
  if (table.columns.length !== width)
    throw new StreamSqlError(
      "validation",
      `Column types of query result and sink for '${table.name}' do not match: the query has ${width} columns, the table ${table.columns.length}`,
      undefined,
      table.name,
    );
  checkOptions(table);
  if (table.primaryKey) {
    const registered = SQL_CONNECTORS[table.options.connector as string]?.changelogSink;
    return { table, sink: registered ? registered(table) : duckdbChangelogSink(table) };
  }
  return {
    table,
    sink: insertsOnly(
      table,
      sinkFor(
        table,
        table.columns.map((c) => c.type),
      ),
    ),
  };
}

/** An append-only sink fed a changelog: +I rows pass, any other kind fails the job with Flink's reason. */
function insertsOnly(table: TableEntry, rows: Sink<Row>): Sink<Change> {
  return {
    name: rows.name,
    ...(rows.maxParallelism !== undefined ? { maxParallelism: rows.maxParallelism } : {}),
    createWriter: (ctx) => {
      const inner = rows.createWriter(ctx);
      const writer: SinkWriter<Change> = {
        ...inner,
        write: (changes, timestamps) => {
          const update = changes.find((c) => c.kind !== "+I");
          if (update)
            throw new StreamSqlError(
              "unsupported",
              `Table sink '${table.name}' doesn't support consuming update and delete changes (got ${update.kind}): declare PRIMARY KEY (…) NOT ENFORCED to upsert by it`,
              undefined,
              table.name,
            );
          return inner.write(
            changes.map((c) => c.row),
            timestamps,
          );
        },
      };
      // Methods of `inner` keep their receiver (the spread copies them unbound).
      for (const key of ["open", "flush", "close", "onWatermark", "snapshotState", "restoreState", "prepareCommit", "commit", "checkpointAborted", "abort"] as const) {
        const method = inner[key] as ((...a: unknown[]) => unknown) | undefined;
        if (method) (writer as unknown as Record<string, unknown>)[key] = (...a: unknown[]) => method.apply(inner, a);
      }
      return writer;
    },
  };
}
