import { SluiceError } from "../errors/errors.js";

/**
 * The helpers compiled expressions call, with SQL's NULL rules (any NULL operand gives NULL;
 * AND/OR three-valued). Kept small so V8 inlines them into the generated function.
 */
import { dateFormat } from "./functions/dateFormat.js";
import { regexpExtract, splitIndex } from "./functions/stringFunctions.js";
import { timePartFns } from "./functions/timeParts.js";
import { doubleText } from "./rows/doubleText.js";

type V = unknown;
const isNull = (v: V): boolean => v === null || v === undefined;

export const fns = {
  add: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) + (b as number)),
  sub: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) - (b as number)),
  mul: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) * (b as number)),
  div: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) / (b as number)),
  /** INT / INT is an INT in Flink: truncated toward zero; by zero it fails the job, as Java's integer division. */
  idiv: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : b === 0 ? divideByZero() : Math.trunc((a as number) / (b as number))),
  imod: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : b === 0 ? divideByZero() : (a as number) % (b as number)),
  mod: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) % (b as number)),
  proctime: (): V => Date.now(),
  neg: (a: V): V => (isNull(a) ? null : -(a as number)),
  concat: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : String(a) + String(b)),
  eq: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : a === b),
  ne: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : a !== b),
  lt: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) < (b as number)),
  le: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) <= (b as number)),
  gt: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) > (b as number)),
  ge: (a: V, b: V): V => (isNull(a) || isNull(b) ? null : (a as number) >= (b as number)),
  and: (a: V, b: V): V => (a === false || b === false ? false : isNull(a) || isNull(b) ? null : true),
  or: (a: V, b: V): V => (a === true || b === true ? true : isNull(a) || isNull(b) ? null : false),
  not: (a: V): V => (isNull(a) ? null : !a),
  like: (a: V, re: RegExp): V => (isNull(a) ? null : re.test(String(a))),
  upper: (a: V): V => (isNull(a) ? null : String(a).toUpperCase()),
  lower: (a: V): V => (isNull(a) ? null : String(a).toLowerCase()),
  splitIndex,
  regexpExtract,
  ...timePartFns,
  charLength: (a: V): V => (isNull(a) ? null : [...String(a)].length),
  /** SUBSTR(s, pos[, len]) with SQL's 1-based positions. */
  substr: (a: V, pos: V, len?: V): V => {
    if (isNull(a) || isNull(pos)) return null;
    const s = [...String(a)];
    const start = (pos as number) > 0 ? (pos as number) - 1 : Math.max(0, s.length + (pos as number));
    return s.slice(start, len === undefined ? undefined : start + (len as number)).join("");
  },
  abs: (a: V): V => (isNull(a) ? null : Math.abs(a as number)),
  coalesce: (...xs: V[]): V => xs.find((x) => !isNull(x)) ?? null,
  /** CAST(x AS STRING) as Flink prints: DOUBLE keeps a `.0`, BOOLEAN is upper case. */
  toStringAs: (a: V, type: string): V => {
    if (isNull(a)) return null;
    if (type === "DOUBLE" && typeof a === "number") return doubleText(a);
    if (type === "FLOAT" && Number.isInteger(a)) return `${a as number}.0`;
    if (type === "BOOLEAN") return a ? "TRUE" : "FALSE";
    if (type === "TIMESTAMP") return formatTimestamp(a as number);
    return String(a);
  },
  toInt: (a: V): V => {
    if (isNull(a)) return null;
    const n = typeof a === "string" ? Number(a.trim()) : Math.trunc(a as number);
    return Number.isFinite(n) ? Math.trunc(n) : null;
  },
  toDouble: (a: V): V => {
    if (isNull(a)) return null;
    const n = Number(typeof a === "string" ? a.trim() : a);
    return Number.isNaN(n) ? null : n;
  },
  /** A string compared with a number is cast to it, as Flink does (`'x' < 1` fails the job). */
  toNumberStrict: (a: V): V => {
    if (isNull(a) || typeof a !== "string") return a ?? null;
    const n = a.trim() === "" ? Number.NaN : Number(a.trim());
    if (Number.isNaN(n)) throw new SqlArithmeticError(`For input string: '${a}'. Invalid character found.`);
    return n;
  },
  toBoolean: (a: V): V => (isNull(a) ? null : typeof a === "string" ? a.trim().toLowerCase() === "true" : Boolean(a)),
  dateFormat,
  toTimestamp: (a: V): V => (isNull(a) ? null : typeof a === "number" ? a : parseTimestamp(String(a))),
};

/** A SQL expression that fails on a record (integer division by zero, a string that is no number), as Flink's ArithmeticException / NumberFormatException. */
export class SqlArithmeticError extends SluiceError {}

function divideByZero(): never {
  throw new SqlArithmeticError("/ by zero");
}

/** Flink prints TIMESTAMP(3) as `2024-01-01 00:00:01.000`; values are epoch ms read as UTC. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** `yyyy-MM-dd HH:mm:ss[.fff]` (or ISO with T) as epoch ms; null when it is not one. */
export function parseTimestamp(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)$/.exec(text.trim());
  if (!m) return null;
  const [time, frac = ""] = (m[2] as string).split(".");
  const ms = Date.parse(`${m[1]}T${time}${time?.length === 5 ? ":00" : ""}.${(frac + "000").slice(0, 3)}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** SQL LIKE pattern (% and _) as an anchored regular expression, built once per query. */
export function likeRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/%/g, "[\\s\\S]*")
    .replace(/_/g, "[\\s\\S]");
  return new RegExp(`^${body}$`);
}
