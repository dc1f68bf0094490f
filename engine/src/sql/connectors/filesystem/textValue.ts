import { StreamSqlError } from "../../errors.js";
import { parseTimestamp } from "../../runtimeFunctions.js";
import type { SqlType } from "../../types.js";

/**
 * A field's (or a partition directory's) text as a value of `type` (Flink's convertStringToInternalValue);
 * an empty number fails as in Flink's CSV format (declare 'csv.null-literal' = '' to read it as NULL);
 * an empty BOOLEAN is false (Boolean.parseBoolean).
 */
export function textValue(text: string | undefined | null, type: SqlType): unknown {
  if (text === undefined || text === null) return null;
  if (text === "" && type.name !== "STRING" && type.name !== "BOOLEAN") throw new StreamSqlError("validation", `empty String is not a ${type.name} (set 'csv.null-literal')`, undefined, text);
  switch (type.name) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return integerValue(text, type.name);
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL": {
      const t = text.trim();
      // JavaScript's Number reads what Java does, but also 0x/0b/0o literals and not NaN or a d/f suffix: those by the pattern.
      const n = Number(t);
      if (!Number.isNaN(n) && t !== "" && !radixPrefixed(t) && (type.name !== "DECIMAL" || Number.isFinite(n))) return n;
      if (!(type.name === "DECIMAL" ? DECIMAL_TEXT : DOUBLE_TEXT).test(t)) throw new StreamSqlError("validation", `'${text}' is not a ${type.name}`, undefined, text);
      return Number(t.replace(/[fFdD]$/, ""));
    }
    case "BOOLEAN":
      return text.trim().toLowerCase() === "true";
    case "TIMESTAMP": {
      const ms = parseTimestamp(text);
      if (ms === null) throw new StreamSqlError("validation", `'${text}' is not a TIMESTAMP (yyyy-MM-dd HH:mm:ss[.SSS])`, undefined, text);
      return ms;
    }
    default:
      return text;
  }
}

/** What Java's Double.parseDouble reads (after Flink's trim; hexadecimal floats left out) and BigDecimal's constructor. */
const DOUBLE_TEXT = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;
/** `0x…`, `0b…`, `0o…`: read by Number, not by Java. */
function radixPrefixed(t: string): boolean {
  if (t.charCodeAt(0) !== 48) return false;
  const c = t.charCodeAt(1) | 32;
  return c === 120 || c === 98 || c === 111;
}

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Java's `parseInt`/`parseLong`/… after a trim, as Flink's formats read an integer column: a sign and digits, in the type's range. */
const INTEGER_RANGE: Record<string, readonly [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

export function integerValue(text: string, type: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new StreamSqlError("validation", `For input string: "${text}" (the column is ${type})`, undefined, text);
  const [lo, hi] = INTEGER_RANGE[type] as readonly [bigint, bigint];
  // Up to 15 characters a double holds the value exactly: compare as numbers, no BigInt per field of a file.
  if (t.length <= 15) {
    const v = Number(t);
    if (v >= Number(lo) && v <= Number(hi)) return v + 0; // "-0" is 0, as parseInt reads it
  }
  const n = BigInt(t);
  if (n < lo || n > hi) throw new StreamSqlError("validation", `Value out of range. Value:"${text}" (a ${type} is ${lo} to ${hi})`, undefined, text);
  return Number(n);
}
