/**
 * Flink's time-part functions (Calcite's EXTRACT shorthands): YEAR, QUARTER, MONTH, WEEK, DAYOFYEAR,
 * DAYOFMONTH, DAYOFWEEK of a DATE or TIMESTAMP, HOUR, MINUTE, SECOND of a TIMESTAMP; each a BIGINT,
 * NULL for NULL. A TIMESTAMP is epoch milliseconds whose UTC fields are its wall clock (as Sluice
 * prints it); a DATE is its `yyyy-MM-dd` text.
 */
import { StreamSqlError, type SqlPosition } from "../errors.js";
import type { SqlType } from "../types.js";

type V = unknown;

const DAY = 86_400_000;

/** The UTC date of a TIMESTAMP (ms) or DATE (text). */
function utc(v: V): Date {
  return new Date(typeof v === "number" ? v : Date.parse(`${String(v)}T00:00:00Z`));
}

/** ISO-8601 week of the year (weeks start on Monday; week 1 holds the year's first Thursday), as Flink's WEEK. */
function isoWeek(d: Date): number {
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const thursday = day + (3 - ((d.getUTCDay() + 6) % 7)) * DAY;
  const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return Math.floor((thursday - yearStart) / DAY / 7) + 1;
}

const PARTS: Record<string, (d: Date) => number> = {
  YEAR: (d) => d.getUTCFullYear(),
  QUARTER: (d) => Math.floor(d.getUTCMonth() / 3) + 1,
  MONTH: (d) => d.getUTCMonth() + 1,
  WEEK: isoWeek,
  DAYOFYEAR: (d) => Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1,
  DAYOFMONTH: (d) => d.getUTCDate(),
  /** 1 is Sunday, 7 Saturday. */
  DAYOFWEEK: (d) => d.getUTCDay() + 1,
  HOUR: (d) => d.getUTCHours(),
  MINUTE: (d) => d.getUTCMinutes(),
  SECOND: (d) => d.getUTCSeconds(),
};

/** The parts only a TIMESTAMP has (Flink rejects them on a DATE). */
const TIME_OF_DAY = new Set(["HOUR", "MINUTE", "SECOND"]);

export function isTimePart(name: string): boolean {
  return name in PARTS;
}

/** The runtime helpers the compiled code calls, one per part (`$.extractHOUR(v)`), so no per-row switch on the name. */
export const timePartFns: Record<string, (v: V) => V> = Object.fromEntries(
  Object.entries(PARTS).map(([name, part]) => [`extract${name}`, (v: V): V => (v === null || v === undefined ? null : part(utc(v)))]),
);

/** The type of `name(arg)`, checking the argument's type as Flink does. */
export function timePartType(name: string, arg: SqlType, at: SqlPosition): SqlType {
  const ok = arg.name === "TIMESTAMP" || arg.name === "NULL" || (arg.name === "DATE" && !TIME_OF_DAY.has(name));
  if (!ok) throw new StreamSqlError("validation", `Cannot apply '${name}' to arguments of type '${name}(<${arg.name}>)'`, at, name);
  return { name: "BIGINT", ...(arg.nullable === false ? { nullable: false } : {}) };
}
