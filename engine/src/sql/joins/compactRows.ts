import type { DataStream } from "../../api/DataStream.js";
import { declareRowType } from "../../exchange/edgeCodec.js";
import type { Column } from "../catalog.js";
import type { Expr } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { fuseIntoCalc } from "../calc/planCalc.js";

/**
 * A side of an inner join of append-only inputs as the join keeps it: only the columns something after
 * the join reads (or its keys and condition), in a row of just those (Flink's projection push-down: the
 * join's state holds the fields its output needs). Each row lives in the join's state as long as the job
 * does, so nexmark q4 keeps 3 values per bid, not its 7 columns with 4 of them NULL (appendOnlyJoin.ts).
 */
export interface CompactSide {
  stream: DataStream<Row>;
  /** The side's scope with each kept column at its place in the compact row (the others are never read). */
  scope: ScopeColumn[];
  /** The compact row's columns, by their index in the side's full row; undefined: all of them, as they are. */
  kept: number[] | undefined;
}

/** A side's rows (`columns` wide) narrowed to the columns in `read` (indexes into the joined row; the side starts at `offset`). */
export function compactSide(stream: DataStream<Row>, columns: Column[], scope: ScopeColumn[], read: Set<number> | undefined, offset: number): CompactSide {
  const width = columns.length;
  const readHere = read === undefined ? undefined : Array.from({ length: width }, (_, i) => i).filter((i) => read.has(offset + i));
  // A side nothing reads (a cross join's) still keeps one column: its list counts rows by their values.
  const kept = readHere !== undefined && readHere.length === 0 ? [0] : readHere;
  if (kept === undefined || kept.length === width) return { stream, scope, kept: undefined };
  const at = new Map(kept.map((c, i) => [c, i]));
  // A column not kept gets a position past the row's end: nothing reads it (its reads made it kept).
  const compactScope = scope.map((c) => ({ ...c, index: at.get(c.index) ?? width + c.index }));
  const narrow = new Function(`return (r) => [${kept.map((c) => `r[${c}]`).join(", ")}];`)() as (r: Row) => Row;
  // Into the side's Calc where it has one (its unkept columns are then never computed), else a map.
  const fused = fuseIntoCalc(stream, { scope, where: undefined, columns: kept });
  // Its row type, so a keyed edge into the join crosses threads as columns.
  const narrowed = declareRowType(fused ?? stream.map(narrow).name("columns the join needs"), { fields: kept.map((c) => columns[c] as Column) });
  return { stream: narrowed, scope: compactScope, kept };
}

/** How the append-only join (appendOnlyJoin.ts) makes its output row from a compact row and another side's flat list. */
export interface FlatJoin {
  /** Values per row in each side's list. */
  leftWidth: number;
  rightWidth: number;
  /** A left row joined with the right row at `ri` of a right list: the output row, or undefined when the rest of ON does not hold. */
  withRight: (l: Row, r: readonly unknown[], ri: number) => Row | undefined;
  /** The left row at `li` of a left list joined with a right row (as withRight). */
  withLeft: (l: readonly unknown[], li: number, r: Row) => Row | undefined;
  /** Values in an output row. */
  outputWidth: number;
  /** Per output column, whether it is the left side's (a right side's column, or NULL, otherwise). */
  fromLeft: readonly boolean[];
  /** withRight's output row written into `out` (no row made): false when the rest of ON does not hold (`out` then as it was or partly filled). */
  fillRight: (l: Row, r: ArrayLike<unknown>, ri: number, out: Row) => boolean;
  /** withLeft's, as fillRight. */
  fillLeft: (l: ArrayLike<unknown>, li: number, r: Row, out: Row) => boolean;
}

/**
 * The rest of ON over the full-width joined row: a condition (compiled into each generated function, reading
 * the pair's values where they are), or a function of a row (checked on one scratch row filled in place).
 */
export type RestOfOn = ((joined: Row) => boolean) | { expr: Expr; scope: ScopeColumn[] };

/**
 * The joined rows of a pair: the rest of ON (`matches`, over the full-width joined row, `width` columns per
 * side) is checked first, and only a pair that meets it becomes an output row (one array literal).
 * A condition is compiled into the pair's function, reading each value from the side's row or list:
 * checked through a function over a scratch row, each TIMESTAMP written there and read back was boxed
 * whenever that function was not inlined (nexmark q4's BETWEEN: ~43 bytes per bid). The output row is `output`'s columns of the joined row (the ones something after
 * the join reads, planJoin.ts), or all of it, full width; a column the join did not keep is NULL there,
 * as nothing reads it. So nexmark q4 makes one row of 3 values per bid, not 17 with its time columns boxed.
 */
export function flatJoin(left: { kept: number[] | undefined; width: number }, right: { kept: number[] | undefined; width: number }, matches: RestOfOn | undefined, output?: number[]): FlatJoin {
  const slots = (side: { kept: number[] | undefined; width: number }, at: (i: number) => string): string[] => {
    const position = new Map((side.kept ?? Array.from({ length: side.width }, (_, i) => i)).map((c, i) => [c, i]));
    return Array.from({ length: side.width }, (_, c) => (position.has(c) ? at(position.get(c) as number) : "null"));
  };
  const columns = output ?? Array.from({ length: left.width + right.width }, (_, i) => i);
  // Zeros, not NULLs, in the columns never written (nothing reads them): while every value written is a
  // number, V8 keeps the array's elements as unboxed doubles, so a TIMESTAMP's milliseconds (beyond a small
  // integer) written per pair allocate no heap number (nexmark q4 checks three per bid and auction).
  const scratch: Row = new Array(left.width + right.width).fill(0);
  /** The condition's code over the pair's values (`all`: each joined column's read), in a function of `params` and `body`. */
  const inline = (all: string[], params: string, body: (check: string) => string): never => {
    const { expr, scope } = matches as { expr: Expr; scope: ScopeColumn[] };
    const compiler = new ExprCompiler(scope, undefined, (c) => all[c] ?? "null");
    const check = compiler.compile(expr).code;
    return compiler.function(params, body(`${check} === true`)) as never;
  };
  const build = (params: string, l: (i: number) => string, r: (i: number) => string) => {
    const all = [...slots(left, l), ...slots(right, r)];
    const row = `[${columns.map((c) => all[c]).join(", ")}]`;
    if (matches === undefined) return new Function(`return (${params}) => ${row};`)() as never;
    if (typeof matches !== "function") return inline(all, params, (check) => `return ${check} ? ${row} : undefined;`);
    const fill = all.flatMap((v, c) => (v === "null" ? [] : [`s[${c}] = ${v};`])).join(" ");
    return new Function("s", "m", `return (${params}) => { ${fill} return m(s) ? ${row} : undefined; };`)(scratch, matches) as never;
  };
  const fill = (params: string, l: (i: number) => string, r: (i: number) => string) => {
    const all = [...slots(left, l), ...slots(right, r)];
    const into = columns.map((c, i) => `o[${i}] = ${all[c]};`).join(" ");
    if (matches === undefined) return new Function(`return (${params}, o) => { ${into} return true; };`)() as never;
    if (typeof matches !== "function") return inline(all, `${params}, o`, (check) => `if (!(${check})) return false; ${into} return true;`);
    const check = all.flatMap((v, c) => (v === "null" ? [] : [`s[${c}] = ${v};`])).join(" ");
    return new Function("s", "m", `return (${params}, o) => { ${check} if (!m(s)) return false; ${into} return true; };`)(scratch, matches) as never;
  };
  return {
    outputWidth: columns.length,
    fromLeft: columns.map((c) => c < left.width),
    fillRight: fill(
      "l, r, ri",
      (i) => `l[${i}]`,
      (i) => `r[ri + ${i}]`,
    ),
    fillLeft: fill(
      "l, li, r",
      (i) => `l[li + ${i}]`,
      (i) => `r[${i}]`,
    ),
    leftWidth: left.kept?.length ?? left.width,
    rightWidth: right.kept?.length ?? right.width,
    withRight: build(
      "l, r, ri",
      (i) => `l[${i}]`,
      (i) => `r[ri + ${i}]`,
    ),
    withLeft: build(
      "l, li, r",
      (i) => `l[li + ${i}]`,
      (i) => `r[${i}]`,
    ),
  };
}
