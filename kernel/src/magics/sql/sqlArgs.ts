import { MagicUsageError } from "../magic.js";

export type ChartMark = "bar" | "line" | "area" | "point";

export interface SqlArgs {
  open?: string;
  output?: string;
  chart?: { mark: ChartMark; x: string; y: string; color?: string };
  /** --limit N for this cell; undefined: the kernel's SqlMagic.displaylimit. */
  limit?: number;
  /** For the one-line `%sql select ...` form. */
  inlineSql?: string;
  /** jupysql's `--save NAME`, `--with NAME` (repeatable) and `--no-execute`. */
  save?: string;
  with: string[];
  noExecute: boolean;
}

const MARKS = new Set(["bar", "line", "area", "point"]);

/**
 * `%%sql [-o NAME | NAME <<] [--chart bar|line|area|point x=COL y=COL [color=COL]] [--limit N]
 * [--save NAME [--no-execute]] [--with NAME]`, `%sql open PATH`, `%sql [options] SELECT ...`.
 */
export function parseSqlArgs(args: string, kind: "cell" | "line"): SqlArgs {
  const out: SqlArgs = { with: [], noExecute: false };
  const tokens = args.split(/\s+/).filter(Boolean);
  if (kind === "line" && tokens[0] === "open") {
    if (!tokens[1]) throw new MagicUsageError("%sql open needs a path, e.g. %sql open data.duckdb (or :memory:)");
    return { ...out, open: tokens.slice(1).join(" ") };
  }
  // jupysql's `NAME << query`: the rows into a variable, as -o NAME.
  const assign = /^([A-Za-z_$][\w$]*)\s*<<\s*/.exec(args);
  if (assign) {
    out.output = assign[1];
    tokens.splice(0, tokens.length, ...args.slice(assign[0].length).split(/\s+/).filter(Boolean));
  }
  const kv: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (kind === "line" && !t.startsWith("-") && !/^(x|y|color)=/.test(t)) {
      out.inlineSql = tokens.slice(i).join(" ");
      break;
    }
    if (t === "-o" || t === "--output") out.output = need(tokens[++i], t);
    else if (t === "--save") out.save = need(tokens[++i], t);
    else if (t === "--with") out.with.push(need(tokens[++i], t));
    else if (t === "--no-execute") out.noExecute = true;
    else if (t === "--limit") out.limit = Number(need(tokens[++i], t));
    else if (t === "--chart") {
      const mark = need(tokens[++i], t);
      if (!MARKS.has(mark)) throw new MagicUsageError(`--chart takes bar, line, area or point, not "${mark}"`);
      kv.mark = mark;
    } else if (/^(x|y|color)=/.test(t)) {
      const [k, v] = t.split("=", 2) as [string, string];
      kv[k] = v;
    } else throw new MagicUsageError(`unknown %%sql option "${t}"`);
  }
  if (out.output !== undefined && !/^[A-Za-z_$][\w$]*$/.test(out.output)) throw new MagicUsageError(`-o needs a variable name, not "${out.output}"`);
  for (const n of [out.save, ...out.with]) if (n !== undefined && !/^[A-Za-z_]\w*$/.test(n)) throw new MagicUsageError(`a saved query's name is a SQL name, not "${n}"`);
  if (out.noExecute && out.save === undefined) throw new MagicUsageError("--no-execute goes with --save NAME");
  if (out.limit !== undefined && (!Number.isInteger(out.limit) || out.limit < 0)) throw new MagicUsageError("--limit needs a whole number ≥ 0 (0: every row)");
  if (kv.mark) {
    if (!kv.x || !kv.y) throw new MagicUsageError("--chart needs x=COLUMN and y=COLUMN");
    out.chart = { mark: kv.mark as ChartMark, x: kv.x, y: kv.y, ...(kv.color ? { color: kv.color } : {}) };
  } else if (kv.x || kv.y || kv.color) throw new MagicUsageError("x=, y= and color= go with --chart");
  return out;
}

function need(v: string | undefined, flag: string): string {
  if (v === undefined) throw new MagicUsageError(`${flag} needs a value`);
  return v;
}
