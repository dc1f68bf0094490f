import { SluiceError } from "../errors/errors.js";

/** Where in the SQL text something is: 1-based line and column, as editors count. */
export interface SqlPosition {
  line: number;
  column: number;
}

/**
 * A statement that does not parse, or names something that does not exist, or mixes types: at the
 * line and column of the offending token, which is named, as Flink's SQL client reports
 * `Encountered "x" at line 2, column 5`.
 */
export class StreamSqlError extends SluiceError {
  constructor(
    readonly kind: "parse" | "validation" | "unsupported",
    readonly detail: string,
    readonly position: SqlPosition | undefined,
    readonly token: string | undefined,
  ) {
    super(`${detail}${token !== undefined ? ` at "${token}"` : ""}${position ? ` (line ${position.line}, column ${position.column})` : ""}`, position ? { line: position.line } : {});
  }
}
