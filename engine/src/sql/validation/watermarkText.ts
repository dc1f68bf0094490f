import type { Expr } from "../ast.js";
import type { SqlPosition } from "../errors.js";

/** Where an expression's text begins: a binary operator's position is its operator's, so descend to the leftmost operand. */
function startOf(e: Expr): SqlPosition {
  return e.kind === "binary" ? startOf(e.left) : e.at;
}

/**
 * A WATERMARK expression as declared, for DESCRIBE, with column names in backticks as Flink prints
 * it (`` `ts` - INTERVAL '2' SECOND ``): cut from the CREATE TABLE's text (which starts at
 * `statementAt`) from the expression's start to the `,` or `)` that ends it.
 */
export function watermarkText(ddl: string, statementAt: SqlPosition, expr: Expr, columns: string[]): string {
  const at = startOf(expr);
  const lines = ddl.split("\n");
  const lineIndex = at.line - statementAt.line;
  let offset = lines.slice(0, lineIndex).reduce((n, l) => n + l.length + 1, 0) + (lineIndex === 0 ? at.column - statementAt.column : at.column - 1);
  const start = offset;
  let depth = 0;
  let quote: string | undefined;
  for (; offset < ddl.length; offset++) {
    const c = ddl[offset] as string;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === "`") quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && depth-- === 0) break;
    else if (c === "," && depth === 0) break;
  }
  const text = ddl.slice(start, offset).replace(/\s+/g, " ").trim();
  const names = new Set(columns.map((n) => n.toLowerCase()));
  // Identifiers outside string literals that name a column get Flink's backticks.
  return text
    .split(/('[^']*'|`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[A-Za-z_][\w$]*/g, (w) => (names.has(w.toLowerCase()) ? `\`${w}\`` : w))))
    .join("");
}
