const RED = "\u001b[31m";
const GREEN = "\u001b[32m";
const RESET = "\u001b[0m";

/** A few lines of the cell around `line` (1-based) with an arrow at it, ipykernel style. */
export function sourceContext(source: string, line: number, column?: number): string[] {
  const lines = source.split("\n");
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const mark = n === line ? `${GREEN}--> ` : "    ";
    out.push(`${mark}${String(n).padStart(width)}${RESET} ${lines[n - 1] ?? ""}`);
    if (n === line && column !== undefined) out.push(`    ${" ".repeat(width)} ${" ".repeat(Math.max(0, column - 1))}${RED}^${RESET}`);
  }
  return out;
}
