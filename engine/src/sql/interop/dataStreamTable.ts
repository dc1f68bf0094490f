import type { DataStream } from "../../api/DataStream.js";
import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { Catalog, TableEntry } from "../catalog.js";
import type { Row as SqlRow, ScanResult } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { formatType } from "../types.js";
import type { Schema } from "./Schema.js";

/** The DataStream behind each table `createTemporaryView` registered (the catalog entry is the key). */
const bound = new WeakMap<TableEntry, { stream: DataStream<unknown>; schema: Schema }>();

export function bindDataStream(entry: TableEntry, stream: DataStream<unknown>, schema: Schema): void {
  bound.set(entry, { stream, schema });
}

/** The environment a DataStream-backed table must be planned into, if `entry` is one. */
export function dataStreamEnvironment(entry: TableEntry): StreamEnvironment | undefined {
  return bound.get(entry)?.stream.env;
}

/** The `CREATE TABLE` text SHOW/DESCRIBE and Flink would see for a DataStream view (no WATERMARK: added by the caller). */
export function dataStreamDdl(name: string, schema: Schema, watermark: string | undefined): string {
  const cols = schema.columns.map((c) => `\`${c.name}\` ${formatType({ ...c.type, rowtime: false })}`);
  if (watermark) cols.push(`WATERMARK FOR \`${schema.watermark?.column}\` AS ${watermark}`);
  return `CREATE TABLE \`${name}\` (${cols.join(", ")}) WITH ('connector' = 'datastream')`;
}

/** Is every source feeding `stream` bounded (so a query over it ends)? */
function isBounded(stream: DataStream<unknown>): boolean {
  const graph = stream.env.graph;
  const seen = new Set<number>();
  const walk = (id: number): boolean => {
    if (seen.has(id)) return true;
    seen.add(id);
    const node = graph.get(id);
    if (node.source) return node.source.source.bounded === true;
    return node.inputs.every((e) => walk(e.from));
  };
  return walk(stream.node.id);
}

/**
 * `'connector' = 'datastream'`: a table over a registered DataStream (Flink's `fromDataStream`).
 * Elements become rows by column name (objects) or position (arrays); a `rowtime` metadata column
 * is the record's timestamp. The stream's watermarks flow on (`SOURCE_WATERMARK()`).
 */
export const dataStreamConnector = {
  optionKeys: (): RegExp => /^connector$/,
  validate(table: TableEntry): void {
    if (!bound.has(table))
      throw new StreamSqlError("validation", `table ${table.name}: 'datastream' tables are registered from TypeScript (tableEnv.createTemporaryView(name, stream, schema))`, undefined, table.name);
  },
  scan(env: StreamEnvironment, table: TableEntry): ScanResult {
    const b = bound.get(table);
    if (!b) throw new StreamSqlError("validation", `table ${table.name} has no DataStream bound`, undefined, table.name);
    if (b.stream.env !== env)
      throw new StreamSqlError("unsupported", `table ${table.name} reads a DataStream of another environment: query it with a StreamTableEnvironment of that environment`, undefined, table.name);
    const columns = b.schema.columns;
    const toRow = (v: unknown, timestamp: number): SqlRow =>
      columns.map((c, i) => {
        if (c.metadata) return Number.isFinite(timestamp) ? timestamp : null;
        const raw = Array.isArray(v) ? v[i] : v !== null && typeof v === "object" ? (v as Record<string, unknown>)[c.name] : columns.length === 1 ? v : undefined;
        if (raw === undefined || raw === null) return null;
        if (c.type.name === "TIMESTAMP") return raw instanceof Date ? raw.getTime() : typeof raw === "string" ? Date.parse(raw) : raw;
        return raw;
      });
    const stream = b.stream.process<SqlRow>((v, ctx, out) => out.collect(toRow(v, ctx.timestamp))).name(`fromDataStream ${table.name}`);
    return { stream, bounded: isBounded(b.stream) };
  },
};

/**
 * The environment of the DataStreams a query reads through DataStream views, if any: a `%%ssql`
 * query over one runs there (with that environment's other pending sinks, as `env.execute()` does).
 * Walks the AST generically, so new FROM forms need no change here.
 */
export function environmentFor(catalog: Catalog, query: unknown): StreamEnvironment | undefined {
  const seen = new Set<unknown>();
  const walk = (node: unknown): StreamEnvironment | undefined => {
    if (node === null || typeof node !== "object" || seen.has(node)) return undefined;
    seen.add(node);
    const n = node as { kind?: unknown; name?: unknown };
    if (n.kind === "table" && typeof n.name === "string") {
      const entry = catalog.get(n.name);
      if (entry?.kind === "table") return dataStreamEnvironment(entry);
      if (entry?.kind === "view") return walk(entry.query);
    }
    for (const child of Object.values(node)) {
      const env = walk(child);
      if (env) return env;
    }
    return undefined;
  };
  return walk(query);
}
