import type { ColumnMetadata, CreateTable, CreateView, Expr, Query } from "./ast.js";
import { resolveColumns } from "./ddl/computedColumns.js";
import { StreamSqlError } from "./errors.js";
import { modernOptions } from "./connectors/legacyOptions.js";
import { FunctionCatalog } from "./functions/functionCatalog.js";
import { withFunctions } from "./functions/functionScope.js";
import { watermarkText } from "./validation/watermarkText.js";
import type { ParsedStatement } from "./parser.js";
import type { SqlType } from "./types.js";

export interface Column {
  name: string;
  type: SqlType;
  /** A metadata column of the table's connector (`METADATA FROM 'timestamp'`). */
  metadata?: ColumnMetadata;
  /** A computed column's expression over the physical columns (ddl/computedColumns.ts). */
  computed?: Expr;
}

export interface TableEntry {
  kind: "table";
  name: string;
  columns: Column[];
  /** `text`: the expression as declared, for DESCRIBE. */
  watermark?: { column: string; expr: Expr; text?: string };
  /** `PRIMARY KEY (…) NOT ENFORCED`, as declared (column names as in `columns`). */
  primaryKey?: string[];
  /** `PARTITIONED BY (…)`, as declared (column names as in `columns`). */
  partitionKeys?: string[];
  options: Record<string, string>;
  /** Declared with Flink's legacy descriptor keys: a lookup source, as Flink's legacy CsvTableSource (connectors/legacyOptions.ts). */
  lookup?: true;
  /** The DDL as written, so the same text can be handed to Flink. */
  ddl: string;
  /** The DDL as parsed: what a worker thread declares the table from (`statementsInOrder`). */
  parsed: CreateTable;
}

export interface ViewEntry {
  kind: "view";
  name: string;
  query: Query;
  ddl: string;
  parsed: CreateView;
}

/**
 * The kernel-wide catalog: tables and views by name, case-insensitive as Flink's default
 * (`table.identifier-case-sensitive` aside). One catalog, one database, as `default_catalog.default_database`.
 */
export class Catalog {
  private readonly entries = new Map<string, TableEntry | ViewEntry>();
  /** User-defined functions, a namespace of their own (functions/functionCatalog.ts). */
  readonly functions = new FunctionCatalog();

  get(name: string): TableEntry | ViewEntry | undefined {
    return this.entries.get(name.toLowerCase());
  }

  createTable(ddl: CreateTable, text: string): boolean {
    if (this.exists(ddl.name, ddl.ifNotExists, ddl)) return false;
    const names = new Set<string>();
    for (const c of ddl.columns) {
      if (names.has(c.name.toLowerCase())) throw new StreamSqlError("validation", `duplicate column ${c.name}`, ddl.at, c.name);
      names.add(c.name.toLowerCase());
    }
    const columns = withFunctions(this.functions, () => resolveColumns(ddl.columns)).map((c, i) => {
      const metadata = ddl.columns[i]?.metadata;
      return metadata ? { ...c, metadata } : c;
    });
    if (ddl.watermark) {
      const rowtime = columns.find((c) => c.name.toLowerCase() === ddl.watermark?.column.toLowerCase());
      if (!rowtime) throw new StreamSqlError("validation", `WATERMARK FOR names unknown column ${ddl.watermark.column}`, ddl.at, ddl.watermark.column);
      if (rowtime.type.name !== "TIMESTAMP") throw new StreamSqlError("validation", `the rowtime column ${rowtime.name} must be TIMESTAMP(3), not ${rowtime.type.name}`, ddl.at, rowtime.name);
      rowtime.type.rowtime = true;
    }
    const primaryKey = ddl.primaryKey?.map((k) => {
      const column = columns.find((c) => c.name.toLowerCase() === k.toLowerCase());
      if (!column) throw new StreamSqlError("validation", `PRIMARY KEY names unknown column ${k}`, ddl.at, k);
      return column.name;
    });
    const partitionKeys = ddl.partitionedBy?.map((k) => {
      const column = columns.find((c) => c.name.toLowerCase() === k.toLowerCase());
      if (!column || column.computed || column.metadata)
        throw new StreamSqlError(
          "validation",
          `Partition column '${k}' not defined in the table schema. Available columns: [${columns
            .filter((c) => !c.computed && !c.metadata)
            .map((c) => `'${c.name}'`)
            .join(", ")}]`,
          ddl.at,
          k,
        );
      return column.name;
    });
    const { options, legacy } = modernOptions(ddl.name, ddl.options);
    if (!options.connector) throw new StreamSqlError("validation", `table ${ddl.name} needs WITH ('connector' = …)`, ddl.at, ddl.name);
    this.entries.set(ddl.name.toLowerCase(), {
      kind: "table",
      name: ddl.name,
      columns,
      ...(ddl.watermark
        ? {
            watermark: {
              ...ddl.watermark,
              text: watermarkText(
                text,
                ddl.at,
                ddl.watermark.expr,
                columns.map((c) => c.name),
              ),
            },
          }
        : {}),
      ...(primaryKey ? { primaryKey } : {}),
      ...(partitionKeys ? { partitionKeys } : {}),
      options,
      ...(legacy ? { lookup: true as const } : {}),
      ddl: text,
      parsed: ddl,
    });
    return true;
  }

  createView(name: string, query: Query, ifNotExists: boolean, text: string, at: { line: number; column: number }): boolean {
    if (this.exists(name, ifNotExists, { at })) return false;
    this.entries.set(name.toLowerCase(), { kind: "view", name, query, ddl: text, parsed: { kind: "createView", name, ifNotExists, query, at } });
    return true;
  }

  drop(name: string, object: "table" | "view", ifExists: boolean, at: { line: number; column: number }): boolean {
    const entry = this.get(name);
    if (!entry || entry.kind !== object) {
      if (ifExists) return false;
      throw new StreamSqlError("validation", `${object === "table" ? "Table" : "View"} with identifier '${name}' does not exist`, at, name);
    }
    this.entries.delete(name.toLowerCase());
    return true;
  }

  /**
   * Every entry's DDL in the order declared (a view after what it reads), functions first: how a worker
   * thread rebuilds the catalog. Parsed (plain data, structured-cloned to the worker), so a worker never
   * tokenizes or parses SQL: that code is then compiled by the kernel's thread alone, as at parallelism 1.
   */
  statementsInOrder(): ParsedStatement[] {
    return [...this.functions.portableStatements(), ...[...this.entries.values()].map((e) => ({ statement: e.parsed, text: e.ddl }))];
  }

  names(): string[] {
    return [...this.entries.values()].map((e) => e.name).sort();
  }

  private exists(name: string, ifNotExists: boolean, where: { at: { line: number; column: number } }): boolean {
    if (!this.get(name)) return false;
    if (ifNotExists) return true;
    throw new StreamSqlError("validation", `Table or view '${name}' already exists`, where.at, name);
  }
}
