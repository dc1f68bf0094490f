import type { ResultViewMode } from "../../../../engine/src/index.js";
import { MagicUsageError } from "../magic.js";
import type { ChartMark } from "../sql/sqlArgs.js";

export interface SsqlArgs {
  /** Zeppelin's `type=`: append, update or single; undefined: append for append-only results, update for updating ones. */
  view?: ResultViewMode;
  /** The single view's template, Zeppelin's `{0}` syntax. */
  template?: string;
  /** Rows shown (a bounded table's, an append view's newest); undefined: the kernel's SqlMagic.displaylimit. */
  limit?: number;
  /** As `%%sql --chart`. */
  chart?: { mark: ChartMark; x: string; y: string; color?: string };
  /** `--restore SAVEPOINT`: the savepoint the cell's jobs resume from (a name made by `%jobs stop`, or a path). */
  restore?: string;
  /** `--target flink|local`: where the cell runs (kernel/src/flink reads it); undefined: the kernel's default. */
  target?: "flink" | "local";
}

const MARKS = new Set(["bar", "line", "area", "point"]);
const VIEWS = new Set(["append", "update", "single"]);

/** Words of the magic line; "double" or 'single' quotes keep spaces (a template such as "Total: {0}"). */
function words(args: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(args); m; m = re.exec(args)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3] ?? ""));
  // `--flag=value` as `--flag value` (quotes around the value dropped).
  return out.flatMap((w) => (/^--[a-z]+=/.test(w) ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1).replace(/^["']|["']$/g, "")] : [w]));
}

/**
 * `%%ssql [--view append|update|single] [--template "Total: {0}"] [--limit N] [--chart bar|line|area|point x=COL y=COL [color=COL]]
 * [--restore SAVEPOINT] [--target flink|local]`.
 */
export function parseSsqlArgs(args: string): SsqlArgs {
  const out: SsqlArgs = {};
  const chart: Record<string, string> = {};
  const tokens = words(args);
  const need = (i: number, flag: string): string => {
    const v = tokens[i];
    if (v === undefined) throw new MagicUsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === "--view" || t === "--type") {
      const v = need(++i, t);
      if (!VIEWS.has(v)) throw new MagicUsageError(`--view takes append, update or single, not "${v}"`);
      out.view = v as ResultViewMode;
    } else if (t === "--template") out.template = need(++i, t);
    else if (t === "--limit") {
      out.limit = Number(need(++i, t));
      if (!Number.isInteger(out.limit) || out.limit < 0) throw new MagicUsageError("--limit needs a whole number ≥ 0 (0: every row)");
    } else if (t === "--chart") {
      const mark = need(++i, t);
      if (!MARKS.has(mark)) throw new MagicUsageError(`--chart takes bar, line, area or point, not "${mark}"`);
      chart.mark = mark;
    } else if (t === "--restore") {
      const v = need(++i, t);
      if (v === "" || v.startsWith("--")) throw new MagicUsageError("--restore needs a savepoint name or path");
      out.restore = v;
    } else if (t === "--target") {
      const v = need(++i, t);
      if (v !== "flink" && v !== "local") throw new MagicUsageError(`%%ssql --target ${v}? use --target flink or --target local`);
      out.target = v;
    } else if (/^(x|y|color)=/.test(t)) {
      const [k, v] = t.split("=", 2) as [string, string];
      chart[k] = v;
    } else throw new MagicUsageError(`unknown %%ssql option "${t}"`);
  }
  if (chart.mark) {
    if (!chart.x || !chart.y) throw new MagicUsageError("--chart needs x=COLUMN and y=COLUMN");
    if (out.view === "single") throw new MagicUsageError("--chart and --view single do not go together");
    out.chart = { mark: chart.mark as ChartMark, x: chart.x, y: chart.y, ...(chart.color ? { color: chart.color } : {}) };
  } else if (chart.x || chart.y || chart.color) throw new MagicUsageError("x=, y= and color= go with --chart");
  if (out.template !== undefined && out.view !== "single") throw new MagicUsageError("--template goes with --view single");
  return out;
}
