import { StreamSqlError } from "../errors.js";
import { typeByName, type SqlType } from "../types.js";

export interface SchemaColumn {
  name: string;
  type: SqlType;
  /** `columnByMetadata(name, type)`: read from the stream record, not from the element (`rowtime`: its timestamp). */
  metadata?: string;
}

/**
 * Flink's `Schema` for `fromDataStream` / `createTemporaryView`: physical columns read from the
 * stream's elements by name (objects) or position (arrays), `columnByMetadata("rowtime", …)` for
 * the records' timestamps, and `watermark("rowtime", "SOURCE_WATERMARK()")` to keep the stream's
 * own watermarks (or `"rowtime - INTERVAL '5' SECOND"` for new ones).
 *
 * @example
 * Schema.newBuilder().column("page", "STRING").columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)").watermark("rowtime", "SOURCE_WATERMARK()").build()
 */
export class Schema {
  private constructor(
    readonly columns: readonly SchemaColumn[],
    readonly watermark: { column: string; expression: string } | undefined,
  ) {}

  static newBuilder(): SchemaBuilder {
    return new SchemaBuilder();
  }

  /** Used by the builder only. */
  static of(columns: SchemaColumn[], watermark: { column: string; expression: string } | undefined): Schema {
    return new Schema(columns, watermark);
  }
}

export class SchemaBuilder {
  private readonly columns: SchemaColumn[] = [];
  private wm: { column: string; expression: string } | undefined;

  /** A physical column: the element's field of that name (or, for array elements, the next position). */
  column(name: string, type: string): this {
    this.columns.push({ name, type: parseTypeText(type) });
    return this;
  }

  /** A metadata column; `rowtime` (the only key a DataStream has) is the record's timestamp. */
  columnByMetadata(name: string, type: string, key = name): this {
    if (key !== "rowtime") throw new StreamSqlError("validation", `Invalid metadata key '${key}' in column '${name}': a DataStream offers only 'rowtime'`, undefined, key);
    const t = parseTypeText(type);
    if (t.name !== "TIMESTAMP") throw new StreamSqlError("validation", `the rowtime metadata column ${name} must be TIMESTAMP_LTZ(3), not ${type}`, undefined, type);
    this.columns.push({ name, type: t, metadata: key });
    return this;
  }

  /** `SOURCE_WATERMARK()` keeps the stream's watermarks; `col - INTERVAL 'n' SECOND` generates new ones from the column. */
  watermark(column: string, expression: string): this {
    this.wm = { column, expression };
    return this;
  }

  build(): Schema {
    if (this.wm && !this.columns.some((c) => c.name === this.wm?.column)) throw new StreamSqlError("validation", `watermark on unknown column ${this.wm.column}`, undefined, this.wm.column);
    return Schema.of([...this.columns], this.wm);
  }
}

/** `STRING`, `BIGINT`, `TIMESTAMP(3)`, `TIMESTAMP_LTZ(3)`, `DECIMAL(10, 2)`, `VARCHAR(20)`, as Flink spells them. */
function parseTypeText(text: string): SqlType {
  const m = /^\s*(\w+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*(NOT\s+NULL)?\s*$/i.exec(text);
  const name = m ? typeByName(m[1] as string) : undefined;
  if (!m || !name) throw new StreamSqlError("validation", `unknown type '${text}' (STRING, INT, BIGINT, DOUBLE, BOOLEAN, TIMESTAMP(3), …)`, undefined, text);
  const params = [m[2], m[3]].filter((p): p is string => p !== undefined).map(Number);
  return { name, ...(params.length > 0 ? { params } : {}), ...(m[4] ? { nullable: false } : {}) };
}
