/**
 * Prototype (issue 18): a SQL projection/filter evaluated over a batch's columns instead of row by row.
 * It reuses the SQL compiler's generated code for each expression (ExprCompiler, the same null rules),
 * and rewrites its column reads `r[k]` into `ck[i]` inside one loop per batch: a bare column reference
 * costs nothing (the output column is the input column), a computed one fills a typed array, a WHERE
 * makes a selection vector and the kept rows are gathered. Not wired into the runtime.
 */
import { parseExpr } from "../../engine/src/sql/exprParser.js";
import { tokenize } from "../../engine/src/sql/lexer.js";
import { fns } from "../../engine/src/sql/runtimeFunctions.js";
import { ExprCompiler, type ScopeColumn } from "../../engine/src/sql/compiler.js";
import { TokenStream } from "../../engine/src/sql/tokenStream.js";
import type { Expr } from "../../engine/src/sql/ast.js";
import type { SqlType } from "../../engine/src/sql/types.js";

/** A batch as columns: numbers in Float64Array, other values in JS arrays (strings as the dictionary's string objects). */
export interface Columns {
  readonly n: number;
  readonly columns: readonly (Float64Array | readonly unknown[])[];
}

export const expr = (text: string): Expr => parseExpr(new TokenStream(tokenize(text)));

/** `SELECT items FROM t [WHERE where]` over rows (today) and over columns (the prototype). */
export function compileQuery(scope: ScopeColumn[], items: string[], where: string | undefined): { rows: (batch: readonly unknown[][]) => unknown[][]; columns: (batch: Columns) => Columns } {
  const exprs = items.map(expr);
  const compiler = new ExprCompiler(scope);
  const project = compiler.rowFunction(exprs).fn;
  const predicate = where === undefined ? undefined : compiler.predicate(expr(where));
  // Today's path: the operator chain's filter then map, one row array per output record.
  const rows = (batch: readonly unknown[][]): unknown[][] => {
    const out: unknown[][] = [];
    for (const r of batch) if (predicate === undefined || predicate(r)) out.push(project(r));
    return out;
  };
  const compiled = exprs.map((e) => compiler.compile(e));
  const bare = compiled.map((c) => /^r\[(\d+)\]$/.exec(c.code)?.[1]);
  const numeric = (t: SqlType): boolean => ["TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL", "TIMESTAMP"].includes(t.name);
  const at = (code: string, index: string): string => code.replace(/\br\[(\d+)\]/g, `c$1[${index}]`);
  const locals = scope.map((c) => `const c${c.index} = b.columns[${c.index}];`).join(" ");
  const lines: string[] = [locals, "const n = b.n;"];
  if (where !== undefined) {
    const cond = compiler.compile(expr(where)).code;
    lines.push(`const sel = new Int32Array(n); let m = 0; for (let i = 0; i < n; i++) if (${at(cond, "i")} === true) sel[m++] = i;`);
  }
  const outs: string[] = [];
  compiled.forEach((c, j) => {
    if (where === undefined && bare[j] !== undefined) {
      outs.push(`c${bare[j]}`);
      return;
    }
    const len = where === undefined ? "n" : "m";
    const row = where === undefined ? "i" : "sel[i]";
    // A NULL result in a typed column would need a null bitmap; q0–q2 have none, and the prototype says so loudly.
    const fill = numeric(c.type)
      ? `const o${j} = new Float64Array(${len}); for (let i = 0; i < ${len}; i++) { const v = ${at(c.code, row)}; if (v === null) throw new Error("NULL needs a bitmap"); o${j}[i] = v; }`
      : `const o${j} = new Array(${len}); for (let i = 0; i < ${len}; i++) o${j}[i] = ${at(c.code, row)};`;
    lines.push(fill);
    outs.push(`o${j}`);
  });
  lines.push(`return { n: ${where === undefined ? "n" : "m"}, columns: [${outs.join(", ")}] };`);
  const columns = new Function("$", `"use strict"; return (b) => { ${lines.join("\n")} };`)(fns) as (batch: Columns) => Columns;
  return { rows, columns };
}
