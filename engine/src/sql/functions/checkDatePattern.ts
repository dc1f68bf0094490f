import type { Expr } from "../ast.js";
import { StreamSqlError } from "../errors.js";
import { compileDatePattern } from "./dateFormat.js";

/** A literal DATE_FORMAT pattern Sluice cannot format fails at plan time, at the pattern, not at the first record. */
export function checkDatePattern(pattern: Expr): void {
  if (pattern.kind !== "literal" || typeof pattern.value !== "string") return;
  try {
    compileDatePattern(pattern.value);
  } catch (e) {
    throw new StreamSqlError("unsupported", (e as Error).message, pattern.at, pattern.value);
  }
}
