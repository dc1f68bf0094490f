import type { FunctionCatalog } from "./functionCatalog.js";
import { isTimePart } from "./timeParts.js";

/** The built-in scalar and aggregate functions of Sluice's expressions (compiler.ts, aggregates/), lower case as Flink lists them. */
const BUILT_IN = [
  "abs",
  "avg",
  "char_length",
  "character_length",
  "coalesce",
  "concat",
  "count",
  "date_format",
  "lower",
  "max",
  "min",
  "mod",
  "proctime",
  "regexp_extract",
  "split_index",
  "substr",
  "substring",
  "sum",
  "upper",
  ...["YEAR", "QUARTER", "MONTH", "WEEK", "DAYOFYEAR", "DAYOFMONTH", "DAYOFWEEK", "HOUR", "MINUTE", "SECOND"].filter(isTimePart).map((n) => n.toLowerCase()),
];

/** `SHOW FUNCTIONS` (the user-defined and the built-in ones) and `SHOW USER FUNCTIONS`, sorted. */
export function showFunctions(functions: FunctionCatalog, user: boolean): string[] {
  return user ? functions.names() : [...new Set([...functions.names(), ...BUILT_IN])].sort();
}
