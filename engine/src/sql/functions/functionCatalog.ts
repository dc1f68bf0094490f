/**
 * The catalog's functions, in Flink's three namespaces: TEMPORARY SYSTEM functions, temporary catalog
 * functions and catalog functions. A call resolves a TEMPORARY SYSTEM function first, then a built-in,
 * then a temporary function, then a catalog one (a temporary function shadows a catalog function of
 * its name). Sluice has one in-memory catalog, so catalog and temporary functions both last as long
 * as the session, as its tables do.
 */
import type { CreateFunction, FunctionScope } from "../ast.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import type { SqlType } from "../types.js";
import { arityCheck, type FunctionLookup, type ResolvedFunction } from "./functionScope.js";
import { functionClass, instantiate, resultTypeOf, type ScalarFunction, type ScalarFunctionDefinition } from "./userFunctions.js";

interface FunctionEntry {
  name: string;
  scope: FunctionScope;
  fn: ScalarFunction;
  resultType: SqlType;
  /** `CREATE FUNCTION … AS 'class'` as written and as parsed; none for a function registered from TypeScript. */
  ddl?: { text: string; statement: CreateFunction };
  /** Declared in SQL with a class Sluice ships: a worker thread makes it again from `ddl`. */
  portable: boolean;
}

/** A function of the kernel's thread as a worker sees it: its signature (structured-clonable). */
export interface LocalFunction {
  name: string;
  scope: FunctionScope;
  resultType: string;
  argumentTypes?: string[];
}

const key = (scope: FunctionScope, name: string): string => `${scope}:${name.toLowerCase()}`;

/** Flink's messages for each kind of function (its catalog and database are Sluice's one). */
const already = (scope: FunctionScope, name: string): string =>
  scope === "system"
    ? `Could not register temporary system function. A function named '${name}' does already exist.`
    : scope === "temporary"
      ? `Could not register temporary catalog function. A function 'default_catalog.default_database.${name}' does already exist.`
      : `Function default_database.${name} already exists in Catalog default_catalog.`;
const missing = (scope: FunctionScope, name: string): string =>
  scope === "system"
    ? `Could not drop temporary system function. A function named '${name}' doesn't exist.`
    : scope === "temporary"
      ? `Temporary catalog function \`default_catalog\`.\`default_database\`.\`${name}\` doesn't exist`
      : `Function default_database.${name} does not exist in Catalog default_catalog.`;

export class FunctionCatalog implements FunctionLookup {
  private readonly entries = new Map<string, FunctionEntry>();

  /** `CREATE [TEMPORARY [SYSTEM]] FUNCTION`: false when it exists and IF NOT EXISTS was written. */
  create(s: CreateFunction, text: string): boolean {
    if (this.entries.has(key(s.scope, s.name))) {
      if (s.ifNotExists) return false;
      throw new StreamSqlError("validation", already(s.scope, s.name), s.at, s.name);
    }
    if (s.language !== "JAVA" && s.language !== "SCALA")
      throw new StreamSqlError("unsupported", `LANGUAGE ${s.language} functions are not supported (Sluice resolves a class name to a function registered in TypeScript)`, s.at, s.language);
    const { fn, shipped } = functionClass(s.name, s.className, s.classAt);
    this.entries.set(key(s.scope, s.name), { name: s.name, scope: s.scope, fn, resultType: resultTypeOf(fn, s.name), ddl: { text, statement: s }, portable: shipped });
    return true;
  }

  /**
   * A function registered from TypeScript (StreamTableEnvironment's createTemporarySystemFunction, …).
   * Registering a name again replaces an earlier TypeScript registration (a re-run cell); a function
   * declared in SQL of that name is an error, as in Flink.
   */
  register(name: string, scope: FunctionScope, definition: ScalarFunctionDefinition): void {
    const existing = this.entries.get(key(scope, name));
    if (existing?.ddl !== undefined) throw new StreamSqlError("validation", already(scope, name), undefined, name);
    const fn = instantiate(definition);
    this.entries.set(key(scope, name), { name, scope, fn, resultType: resultTypeOf(fn, name), portable: false });
  }

  /** `DROP [TEMPORARY [SYSTEM]] FUNCTION`: false when it does not exist and IF EXISTS was written. */
  drop(name: string, scope: FunctionScope, ifExists: boolean, at: SqlPosition | undefined): boolean {
    if (this.entries.delete(key(scope, name))) return true;
    if (ifExists) return false;
    throw new StreamSqlError("validation", missing(scope, name), at, name);
  }

  resolve(name: string, where: "system" | "catalog"): ResolvedFunction | undefined {
    const entry = where === "system" ? this.entries.get(key("system", name)) : (this.entries.get(key("temporary", name)) ?? this.entries.get(key("catalog", name)));
    if (!entry) return undefined;
    const { fn } = entry;
    return { name: entry.name, eval: fn.eval.bind(fn), resultType: entry.resultType, portable: entry.portable, checkArguments: arityCheck(entry.name, fn.argumentTypes) };
  }

  /** The user-defined functions' names, sorted (SHOW USER FUNCTIONS). */
  names(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.name.toLowerCase()))].sort();
  }

  /**
   * The functions a worker thread cannot make (registered from TypeScript, or of a class a cell
   * registered): what it needs to plan the catalog's DDL that names them (a view, a computed column).
   * A job calling one runs on the kernel's thread, so a worker never calls them (`stand-in`).
   */
  localSignatures(): LocalFunction[] {
    return [...this.entries.values()]
      .filter((e) => !e.portable)
      .map((e) => ({ name: e.name, scope: e.scope, resultType: e.fn.resultType, ...(e.fn.argumentTypes ? { argumentTypes: [...e.fn.argumentTypes] } : {}) }));
  }

  /** A worker's stand-in of a function of the kernel's thread (`localSignatures`). */
  registerStandIn(f: LocalFunction): void {
    const fn: ScalarFunction = {
      resultType: f.resultType,
      ...(f.argumentTypes ? { argumentTypes: f.argumentTypes } : {}),
      eval: () => {
        throw new Error(`function ${f.name} runs on the kernel's thread only`);
      },
    };
    this.entries.set(key(f.scope, f.name), { name: f.name, scope: f.scope, fn, resultType: resultTypeOf(fn, f.name), portable: false });
  }

  /** The DDL a worker thread runs to have the same functions: those it can make (`portable`). */
  portableStatements(): { text: string; statement: CreateFunction }[] {
    return [...this.entries.values()].flatMap((e) => (e.portable && e.ddl !== undefined ? [e.ddl] : []));
  }
}
