/**
 * The catalog's user-defined functions as the expression compiler sees them. ExprCompiler is made in
 * some forty places of the planner, none of which has the catalog, so the planner sets the functions
 * of the catalog it plans against for the duration of the (synchronous) planning, and each compiler
 * takes them when made (`currentFunctions`). Resolved functions are recorded, so the session knows
 * whether a job can be rebuilt on worker threads.
 */
import type { SqlPosition } from "../errors.js";
import { StreamSqlError } from "../errors.js";
import type { SqlType } from "../types.js";

export interface ResolvedFunction {
  name: string;
  eval: (...args: unknown[]) => unknown;
  resultType: SqlType;
  /** A worker thread can make it again from the catalog's DDL (its class is one Sluice ships). */
  portable: boolean;
  checkArguments(types: SqlType[], at: SqlPosition): void;
}

export interface FunctionLookup {
  /** `system`: a TEMPORARY SYSTEM function (resolved before the built-ins); `catalog`: a temporary or catalog one (after them). Names are case-insensitive. */
  resolve(name: string, where: "system" | "catalog"): ResolvedFunction | undefined;
}

let current: FunctionLookup | undefined;

export function currentFunctions(): FunctionLookup | undefined {
  return current;
}

/** Runs `plan` with `functions` visible to the compilers it makes. */
export function withFunctions<T>(functions: FunctionLookup, plan: () => T): T {
  const outer = current;
  current = functions;
  try {
    return plan();
  } finally {
    current = outer;
  }
}

/** A lookup that records what it resolved (`used`). */
export class RecordingLookup implements FunctionLookup {
  readonly used = new Map<string, ResolvedFunction>();
  constructor(private readonly inner: FunctionLookup) {}

  resolve(name: string, where: "system" | "catalog"): ResolvedFunction | undefined {
    const fn = this.inner.resolve(name, where);
    if (fn) this.used.set(fn.name.toLowerCase(), fn);
    return fn;
  }
}

/** Checks a call passes as many arguments as `argumentTypes` names, when the function declares them. */
export function arityCheck(name: string, argumentTypes: readonly string[] | undefined): ResolvedFunction["checkArguments"] {
  return (types, at) => {
    if (argumentTypes !== undefined && types.length !== argumentTypes.length)
      throw new StreamSqlError(
        "validation",
        `Invalid function call: ${name}(${types.map((t) => t.name).join(", ")}); it takes ${argumentTypes.length} argument${argumentTypes.length === 1 ? "" : "s"} (${argumentTypes.join(", ")})`,
        at,
        name,
      );
  };
}
