/**
 * Flink's legacy group windows (`GROUP BY k, TUMBLE(ts, INTERVAL …)`, `HOP(ts, slide, size)`,
 * `SESSION(ts, gap)`, with TUMBLE_START/_END/_ROWTIME, HOP_…, SESSION_… in the SELECT list and
 * HAVING), planned as the window TVF aggregate they mean: `FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts),
 * …)) GROUP BY k, window_start, window_end`, the auxiliary functions read as window_start,
 * window_end and window_time. Flink's docs give the two as equivalent (the TVFs replace the legacy
 * syntax); a legacy SESSION window is cut per group key, as a SESSION TVF partitioned by those keys.
 * Nexmark q11 is written this way.
 */
import type { Expr, FromItem, Select, WindowTvf } from "../ast.js";
import { StreamSqlError } from "../errors.js";

const GROUP_WINDOWS = ["TUMBLE", "HOP", "SESSION"];
// Over a PROCTIME() column Flink types both _ROWTIME and _PROCTIME as the window's processing-time attribute.
const AUXILIARY: Record<string, string> = { START: "window_start", END: "window_end", ROWTIME: "window_time", PROCTIME: "window_time" };

type Call = Extract<Expr, { kind: "call" }>;

/** The SELECT as a window TVF aggregate when its GROUP BY has a legacy group window, else undefined. */
export function rewriteGroupWindow(select: Select): Select | undefined {
  const windows = select.groupBy.filter((g): g is Call => g.kind === "call" && GROUP_WINDOWS.includes(g.name));
  if (windows.length === 0) return undefined;
  const call = windows[0] as Call;
  if (windows.length > 1) throw new StreamSqlError("validation", "a GROUP BY may hold one group window", (windows[1] as Call).at, (windows[1] as Call).name);
  const keys = select.groupBy.filter((g) => g !== call);
  const tvf = windowTvf(call, select.from, keys);
  const rewrite = (e: Expr): Expr => replaceAuxiliary(e, call.name);
  const column = (name: string): Expr => ({ kind: "column", name, at: call.at });
  const items = select.items.map((i) => (i.kind === "expr" ? { ...i, expr: rewrite(i.expr) } : i));
  // window_time (what *_ROWTIME reads) is grouped only when read: it is a function of window_end.
  const readsTime = JSON.stringify(items).includes('"name":"window_time"');
  return {
    ...select,
    from: tvf,
    items,
    groupBy: [...keys, column("window_start"), column("window_end"), ...(readsTime ? [column("window_time")] : [])],
    ...(select.having ? { having: rewrite(select.having) } : {}),
  };
}

function windowTvf(call: Call, from: FromItem, keys: Expr[]): WindowTvf {
  const [time, ...rest] = call.args;
  if (time?.kind !== "column") throw new StreamSqlError("validation", `${call.name}'s first argument must be a time attribute column`, call.at, call.name);
  const millis = rest.map((a) => {
    if (a.kind !== "interval") throw new StreamSqlError("validation", `${call.name} takes INTERVAL arguments after the time attribute`, a.at, undefined);
    return a.millis;
  });
  const arity = call.name === "HOP" ? 2 : 1;
  if (millis.length !== arity)
    throw new StreamSqlError(
      "unsupported",
      `${call.name}(time attribute, ${call.name === "HOP" ? "slide, size" : call.name === "SESSION" ? "gap" : "size"}) is the supported form`,
      call.at,
      call.name,
    );
  // The TVF reads the FROM item whole; its columns keep the FROM's alias, so `B.bidder` still resolves.
  const input = from.alias !== undefined ? ({ ...from, alias: undefined } as FromItem) : from;
  const common = { input, timeColumn: time.name, at: call.at, ...(from.alias !== undefined ? { alias: from.alias } : {}) };
  if (call.name === "HOP") return { kind: "hop", ...common, slide: millis[0] as number, size: millis[1] as number };
  if (call.name === "TUMBLE") return { kind: "tumble", ...common, size: millis[0] as number };
  const partitionBy = keys.map((k) => {
    if (k.kind !== "column") throw new StreamSqlError("unsupported", "GROUP BY expressions beside a SESSION group window are not supported yet", k.at, undefined);
    return k.name;
  });
  return { kind: "session", ...common, partitionBy, gap: millis[0] as number };
}

/**
 * `e` with TUMBLE_START(…) etc. replaced by the window column. A JSON reviver rewrites bottom-up
 * through every expression kind (OVER specs and CASE arms included) without a walker per kind.
 */
function replaceAuxiliary(e: Expr, window: string): Expr {
  return JSON.parse(JSON.stringify(e), (_key, value: unknown) => {
    if (typeof value !== "object" || value === null || (value as { kind?: unknown }).kind !== "call") return value;
    const c = value as Call;
    const [fn, part] = c.name.split(/_(?=[A-Z]+$)/);
    if (fn === undefined || part === undefined || !GROUP_WINDOWS.includes(fn)) return value;
    if (fn !== window) throw new StreamSqlError("validation", `${c.name} does not match the GROUP BY's ${window} window`, c.at, c.name);
    const column = AUXILIARY[part];
    if (!column) throw new StreamSqlError("unsupported", `${c.name} is not supported yet (${fn}_START, ${fn}_END, ${fn}_ROWTIME and ${fn}_PROCTIME are)`, c.at, c.name);
    return { kind: "column", name: column, at: c.at };
  }) as Expr;
}
