import type { Expr } from "./ast.js";
import { StreamSqlError } from "./errors.js";
import { compileFieldAccess } from "./rows/rowType.js";
import { checkDatePattern } from "./functions/checkDatePattern.js";
import { fns, likeRegExp } from "./runtimeFunctions.js";
import { isTimePart, timePartType } from "./functions/timeParts.js";
import { currentFunctions, type FunctionLookup, type ResolvedFunction } from "./functions/functionScope.js";
import { comparison } from "./validation/typeRules.js";
import { isIntegral, isNumeric, widen, type SqlType } from "./types.js";

/** A column visible to an expression: its position in the row array. */
export interface ScopeColumn {
  name: string;
  /** The table name or alias it may be qualified with. */
  table?: string;
  type: SqlType;
  index: number;
}

export interface Compiled {
  code: string;
  type: SqlType;
}

/**
 * Compiles SQL expressions to one JavaScript function per operator, once per query (as Flink's
 * code generation does), so records run straight JavaScript, not a tree walk. Rows are arrays in
 * schema order: `r[i]` is column i. Constants that are not literals (LIKE's RegExp) live in `k`.
 */
export class ExprCompiler {
  private constants: unknown[] = [];
  /** The user-defined functions of the catalog being planned (functions/functionScope.ts), taken when made. */
  private readonly functions: FunctionLookup | undefined = currentFunctions();

  constructor(
    private readonly scope: ScopeColumn[],
    /** Resolves a node before the general rules (group keys and aggregates after a GROUP BY). */
    private readonly override?: (e: Expr) => Compiled | undefined,
    /** The code reading column `index` (a fused Calc reads a scan's record, not a row: calc/). */
    private readonly read: (index: number) => string = (index) => `r[${index}]`,
  ) {}

  /** A compiler of another scope whose code goes into the same function: the same column reads and constants (a computed column inside a Calc). */
  withScope(scope: ScopeColumn[]): ExprCompiler {
    const other = new ExprCompiler(scope, undefined, this.read);
    other.constants = this.constants;
    return other;
  }

  /** A compiler of another scope whose columns `read` gives, its code in the same function (same constants): a stage fused into a Calc. */
  withReads(scope: ScopeColumn[], read: (index: number) => string): ExprCompiler {
    const other = new ExprCompiler(scope, undefined, read);
    other.constants = this.constants;
    return other;
  }

  /** `(r) => [e1, e2, …]`. */
  rowFunction(exprs: Expr[]): { fn: (r: unknown[]) => unknown[]; types: SqlType[] } {
    const compiled = exprs.map((e) => this.compile(e));
    return { fn: this.build(`return [${compiled.map((c) => c.code).join(", ")}];`) as (r: unknown[]) => unknown[], types: compiled.map((c) => c.type) };
  }

  /** `(r) => e === true`: WHERE and HAVING keep a row only when the condition is TRUE (not NULL). */
  predicate(expr: Expr): (r: unknown[]) => boolean {
    const c = this.compile(expr);
    if (c.type.name !== "BOOLEAN" && c.type.name !== "NULL") throw new StreamSqlError("validation", `a condition must be BOOLEAN, not ${c.type.name}`, expr.at, undefined);
    return this.build(`return ${c.code} === true;`) as (r: unknown[]) => boolean;
  }

  /** A single value: `(r) => e`. */
  value(expr: Expr): { fn: (r: unknown[]) => unknown; type: SqlType } {
    const c = this.compile(expr);
    return { fn: this.build(`return ${c.code};`) as (r: unknown[]) => unknown, type: c.type };
  }

  private build(body: string): unknown {
    return this.function("r", body);
  }

  /** A function of `params` with `body`, seeing the runtime functions (`$`) and this compiler's constants (`k`). */
  function(params: string, body: string): unknown {
    return new Function("$", "k", `"use strict"; return (${params}) => { ${body} };`)(fns, this.constants);
  }

  compile(e: Expr): Compiled {
    const o = this.override?.(e);
    if (o) return o;
    switch (e.kind) {
      case "literal":
        return { code: e.value === null ? "null" : JSON.stringify(e.value), type: e.type };
      case "interval":
        return { code: String(e.millis), type: { name: "BIGINT" } };
      case "column": {
        const matches = this.scope.filter((c) => c.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || c.table?.toLowerCase() === e.table.toLowerCase()));
        if (matches.length === 0) {
          const field = compileFieldAccess(e, this.scope, this.read);
          if (field) return field;
          throw new StreamSqlError("validation", `Column '${e.table ? e.table + "." : ""}${e.name}' not found in any table`, e.at, e.name);
        }
        if (matches.length > 1) throw new StreamSqlError("validation", `Column '${e.name}' is ambiguous`, e.at, e.name);
        const c = matches[0] as ScopeColumn;
        // A processing-time attribute stays one when projected (a rowtime's planner.ts re-marks, where it may); precision and NOT NULL stay.
        const { name, params, nullable, fields, proctime } = c.type;
        return {
          code: this.read(c.index),
          type: {
            name,
            ...(params ? { params } : {}),
            ...(nullable === false ? { nullable } : {}),
            ...(fields ? { fields } : {}),
            ...(proctime ? { params: [3], nullable: false, proctime: true } : {}),
          },
        };
      }
      case "unary": {
        const a = this.compile(e.arg);
        return e.op === "-" ? { code: `$.neg(${a.code})`, type: this.numeric(a, e) } : { code: `$.not(${a.code})`, type: { name: "BOOLEAN" } };
      }
      case "binary":
        return this.binary(e);
      case "isNull": {
        const a = this.compile(e.arg);
        return { code: `(${a.code} ${e.negated ? "!=" : "=="} null)`, type: { name: "BOOLEAN" } };
      }
      case "between": {
        const [a, lo, hi] = [this.compile(e.arg), this.compile(e.low), this.compile(e.high)];
        const code = `$.and($.ge(${a.code}, ${lo.code}), $.le(${a.code}, ${hi.code}))`;
        return { code: e.negated ? `$.not(${code})` : code, type: { name: "BOOLEAN" } };
      }
      case "in": {
        const a = this.compile(e.arg);
        const code = e.list.map((x) => `$.eq(${a.code}, ${this.compile(x).code})`).reduce((acc, x) => `$.or(${acc}, ${x})`);
        return { code: e.negated ? `$.not(${code})` : code, type: { name: "BOOLEAN" } };
      }
      case "like": {
        if (e.pattern.kind !== "literal" || typeof e.pattern.value !== "string") throw new StreamSqlError("unsupported", "LIKE needs a string literal pattern", e.pattern.at, undefined);
        this.constants.push(likeRegExp(e.pattern.value));
        const code = `$.like(${this.compile(e.arg).code}, k[${this.constants.length - 1}])`;
        return { code: e.negated ? `$.not(${code})` : code, type: { name: "BOOLEAN" } };
      }
      case "case": {
        const operand = e.operand ? this.compile(e.operand) : undefined;
        // biome-ignore lint/suspicious/noThenProperty: named after SQL's CASE … THEN; a plain record, never awaited
        const branches = e.whens.map((w) => ({ when: this.compile(w.when), then: this.compile(w.then) }));
        const otherwise = e.else ? this.compile(e.else) : { code: "null", type: { name: "NULL" } as SqlType };
        const code = branches.reduceRight((acc, b) => `(${operand ? `$.eq(${operand.code}, ${b.when.code})` : b.when.code} === true ? ${b.then.code} : ${acc})`, otherwise.code);
        const types = [...branches.map((b) => b.then.type), otherwise.type].filter((t) => t.name !== "NULL");
        const type = types.every(isNumeric) && types.length > 0 ? types.reduce(widen) : (types[0] ?? { name: "NULL" });
        return { code, type };
      }
      case "cast":
        return this.cast(e.arg, e.type);
      case "call":
        return this.call(e);
      case "inQuery":
      case "exists":
        throw new StreamSqlError("unsupported", "IN/EXISTS subqueries are supported only as WHERE conjuncts of a window join yet", e.at, e.kind === "exists" ? "EXISTS" : "IN");
    }
  }

  private numeric(c: Compiled, e: Expr): SqlType {
    if (!isNumeric(c.type) && c.type.name !== "NULL") throw new StreamSqlError("validation", `a number is needed here, not ${c.type.name}`, e.at, undefined);
    return c.type;
  }

  private binary(e: Extract<Expr, { kind: "binary" }>): Compiled {
    const a = this.compile(e.left);
    const b = this.compile(e.right);
    const arith: Record<string, string> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod" };
    const op = arith[e.op];
    if (op) {
      if (a.type.name === "TIMESTAMP" && (e.op === "+" || e.op === "-") && e.right.kind === "interval") return { code: `$.${op}(${a.code}, ${b.code})`, type: { name: "TIMESTAMP", params: [3] } };
      this.numeric(a, e.left);
      this.numeric(b, e.right);
      // NOT NULL when both operands are (a literal other than NULL is), as Flink's arithmetic types.
      const notNull = (x: Compiled, side: Expr): boolean => x.type.nullable === false || (side.kind === "literal" && side.value !== null);
      const type = { ...widen(a.type, b.type), ...(notNull(a, e.left) && notNull(b, e.right) ? { nullable: false } : {}) };
      const integral = isIntegral(type) ? { "/": "idiv", "%": "imod" }[e.op as string] : undefined;
      return { code: `$.${integral ?? op}(${a.code}, ${b.code})`, type };
    }
    if (e.op === "||") return { code: `$.concat(${a.code}, ${b.code})`, type: { name: "STRING" } };
    const logic: Record<string, string> = { AND: "and", OR: "or", "=": "eq", "<>": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge" };
    if (e.op === "AND" || e.op === "OR") return { code: `$.${logic[e.op]}(${a.code}, ${b.code})`, type: { name: "BOOLEAN" } };
    const [left, right] = comparison(e.op, { ...a, literal: e.left.kind === "literal" }, { ...b, literal: e.right.kind === "literal" }, e.at);
    return { code: `$.${logic[e.op]}(${left}, ${right})`, type: { name: "BOOLEAN" } };
  }

  private cast(arg: Expr, type: SqlType): Compiled {
    const a = this.compile(arg);
    const to = { name: type.name, ...(type.params ? { params: type.params } : {}) } as SqlType;
    switch (type.name) {
      case "STRING":
        return { code: `$.toStringAs(${a.code}, ${JSON.stringify(a.type.name)})`, type: to };
      case "TINYINT":
      case "SMALLINT":
      case "INT":
      case "BIGINT":
        return { code: `$.toInt(${a.code})`, type: to };
      case "FLOAT":
      case "DOUBLE":
      case "DECIMAL":
        return { code: `$.toDouble(${a.code})`, type: to };
      case "BOOLEAN":
        return { code: `$.toBoolean(${a.code})`, type: to };
      case "TIMESTAMP":
        return { code: `$.toTimestamp(${a.code})`, type: to };
      default:
        throw new StreamSqlError("unsupported", `CAST to ${type.name} is not supported yet`, arg.at, type.name);
    }
  }

  private call(e: Extract<Expr, { kind: "call" }>): Compiled {
    if (e.filter && !["COUNT", "SUM", "MIN", "MAX", "AVG"].includes(e.name))
      throw new StreamSqlError("validation", `FILTER is only allowed on aggregate functions, not on ${e.name}`, e.filter.at, "FILTER");
    const args = e.args.map((x) => this.compile(x));
    const arity = (min: number, max = min): void => {
      if (args.length < min || args.length > max) throw new StreamSqlError("validation", `${e.name} takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`, e.at, e.name);
    };
    const codes = args.map((x) => x.code).join(", ");
    // TEMPORARY SYSTEM functions come before the built-ins, the catalog's after them (Flink's resolution order).
    const system = this.functions?.resolve(e.name, "system");
    if (system) return this.userCall(system, args, e);
    if (isTimePart(e.name)) {
      arity(1);
      return { code: `$.extract${e.name}(${codes})`, type: timePartType(e.name, (args[0] as Compiled).type, e.at) };
    }
    switch (e.name) {
      case "UPPER":
      case "LOWER":
        arity(1);
        return { code: `$.${e.name.toLowerCase()}(${codes})`, type: { name: "STRING" } };
      case "CHAR_LENGTH":
      case "CHARACTER_LENGTH":
        arity(1);
        return { code: `$.charLength(${codes})`, type: { name: "INT" } };
      case "SUBSTR":
      case "SUBSTRING":
        arity(2, 3);
        return { code: `$.substr(${codes})`, type: { name: "STRING" } };
      case "CONCAT":
        arity(1, 99);
        return { code: args.map((x) => x.code).reduce((acc, x) => `$.concat(${acc}, ${x})`), type: { name: "STRING" } };
      case "SPLIT_INDEX":
        arity(3);
        return { code: `$.splitIndex(${codes})`, type: { name: "STRING" } };
      case "REGEXP_EXTRACT":
        arity(2, 3);
        return { code: `$.regexpExtract(${codes})`, type: { name: "STRING" } };
      case "DATE_FORMAT":
        arity(2);
        checkDatePattern(e.args[1] as Expr);
        if ((args[0] as Compiled).type.name !== "TIMESTAMP") throw new StreamSqlError("unsupported", "DATE_FORMAT of a value other than a TIMESTAMP is not supported yet", e.at, e.name);
        return { code: `$.dateFormat(${codes})`, type: { name: "STRING" } };
      case "ABS":
        arity(1);
        return { code: `$.abs(${codes})`, type: this.numeric(args[0] as Compiled, e) };
      case "MOD": {
        arity(2);
        const type = widen((args[0] as Compiled).type, (args[1] as Compiled).type);
        return { code: `$.${isIntegral(type) ? "imod" : "mod"}(${codes})`, type };
      }
      case "PROCTIME":
        // Flink's processing-time attribute: the wall clock when the row is read, TIMESTAMP_LTZ(3) NOT NULL.
        arity(0);
        return { code: "$.proctime()", type: { name: "TIMESTAMP", params: [3], nullable: false, proctime: true } };
      case "COALESCE":
        arity(1, 99);
        return { code: `$.coalesce(${codes})`, type: args.find((x) => x.type.name !== "NULL")?.type ?? { name: "NULL" } };
      case "COUNT":
      case "SUM":
      case "MIN":
      case "MAX":
      case "AVG":
        throw new StreamSqlError("validation", `aggregate ${e.name} is only allowed in the SELECT or HAVING of a query with GROUP BY or aggregates`, e.at, e.name);
      default: {
        const user = this.functions?.resolve(e.name, "catalog");
        if (user) return this.userCall(user, args, e);
        // Flink's words for a name it does not know; Sluice's built-ins are a subset of Flink's, so it may be one of those.
        throw new StreamSqlError(
          "unsupported",
          `No match found for function signature ${e.name.toLowerCase()}(${args.map((a) => `<${a.type.name}>`).join(", ")}): no user-defined function of that name, nor a built-in Sluice supports yet`,
          e.at,
          e.name,
        );
      }
    }
  }

  /** A user-defined function: its `eval` is a constant of the generated code, called directly (no lookup per row). */
  private userCall(fn: ResolvedFunction, args: Compiled[], e: Extract<Expr, { kind: "call" }>): Compiled {
    fn.checkArguments(
      args.map((a) => a.type),
      e.at,
    );
    this.constants.push(fn.eval);
    return { code: `k[${this.constants.length - 1}](${args.map((a) => a.code).join(", ")})`, type: fn.resultType };
  }
}
