/** Prints benchmark rows as an aligned text table (the form every bench here reports in). */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r: (string | number)[]) => r.map((c, i) => String(c).padStart(widths[i] ?? 0)).join("  ");
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) console.log(line(r));
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(2);
}

/** The middle value; of an even count the mean of the two middle ones (with rounds left out, counts are often even). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `--name VALUE` from the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** The last line of a bench process's output that is a JSON object: its result (other lines are logs). */
export function lastJsonLine<T>(output: string): T {
  const line = output
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .pop();
  if (line === undefined) throw new Error(`no result line in output:\n${output.slice(-2000)}`);
  // Java's %f prints a division by a zero interval as Infinity or NaN, which JSON has not: read them as null.
  return JSON.parse(line.replace(/:(-?Infinity|NaN)(?=[,}])/g, ":null")) as T;
}
