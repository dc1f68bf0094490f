/**
 * User-defined scalar functions written in TypeScript, as Flink's ScalarFunction: an `eval` called
 * once per row with the argument values (NULL as null), returning a value of `resultType` (Flink's
 * type text, as a DataTypeHint gives it). Flink loads a function's Java class by name; Sluice cannot,
 * so `CREATE FUNCTION f AS 'com.acme.F'` resolves the name in this registry of classes: the ones
 * Sluice ships (nexmark's CountChar, so nexmark q14 runs unchanged) and any a cell registers.
 */
import { tokenize } from "../lexer.js";
import { parseType } from "../exprParser.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import { TokenStream } from "../tokenStream.js";
import type { SqlType } from "../types.js";

export interface ScalarFunction {
  /** The result's Flink type: `"BIGINT"`, `"STRING"`, `"DOUBLE NOT NULL"`, … */
  readonly resultType: string;
  /** When given, the number of arguments a call must pass (Flink checks calls against eval's signature). */
  readonly argumentTypes?: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: a UDF's arguments are whatever SQL values it is called with
  eval(...args: any[]): unknown;
}

/** A function object, or a class with a no-argument constructor (Flink instantiates the class it names). */
export type ScalarFunctionDefinition = ScalarFunction | (new () => ScalarFunction);

/** A class name's implementation; `shipped`: registered by Sluice itself, so every thread (a worker's too) has it. */
interface RegisteredClass {
  definition: ScalarFunctionDefinition;
  shipped: boolean;
}

const classes = new Map<string, RegisteredClass>();

/**
 * Makes `className` resolvable by `CREATE FUNCTION … AS 'className'` (the same text a Flink job with
 * the Java class on its classpath runs). Registering a name again replaces it (a re-run cell).
 */
export function registerFunctionClass(className: string, definition: ScalarFunctionDefinition): void {
  classes.set(className, { definition, shipped: false });
}

/** The registered implementation of `className`, or an error naming it. */
export function functionClass(name: string, className: string, at: SqlPosition | undefined): { fn: ScalarFunction; shipped: boolean } {
  const registered = classes.get(className);
  // Flink's words, said at CREATE (Flink says them when a catalog function is first called).
  if (!registered)
    throw new StreamSqlError(
      "validation",
      `Cannot instantiate user-defined function '${name}': no implementation of class '${className}' is registered (Sluice cannot load Java classes; register a TypeScript one with registerFunctionClass('${className}', { resultType, eval }))`,
      at,
      className,
    );
  return { fn: instantiate(registered.definition), shipped: registered.shipped };
}

export function instantiate(definition: ScalarFunctionDefinition): ScalarFunction {
  const fn = typeof definition === "function" ? new definition() : definition;
  if (typeof fn?.eval !== "function" || typeof fn.resultType !== "string")
    throw new StreamSqlError("validation", "a scalar function needs an eval method and a resultType (its Flink type, such as 'BIGINT')", undefined, undefined);
  return fn;
}

/** The SQL type of a function's `resultType` text. */
export function resultTypeOf(fn: ScalarFunction, name: string): SqlType {
  try {
    const s = new TokenStream(tokenize(fn.resultType));
    const type = parseType(s);
    if (!s.atEnd()) throw s.error("unexpected text after the type");
    return type;
  } catch (e) {
    throw new StreamSqlError("validation", `function ${name}'s resultType '${fn.resultType}' is not a Flink type: ${(e as Error).message}`, undefined, name);
  }
}

/**
 * nexmark's com.github.nexmark.flink.udf.CountChar: how many UTF-8 bytes of `s` equal the first byte
 * of `character` (0 for a NULL `s`); BIGINT NOT NULL, as its Java `long eval`.
 */
class CountChar implements ScalarFunction {
  readonly resultType = "BIGINT NOT NULL";
  readonly argumentTypes = ["STRING", "STRING"];
  eval(s: string | null, character: string): number {
    if (s === null || s === undefined) return 0;
    const first = character.charCodeAt(0);
    const target = first < 0x80 ? first : utf8(character)[0];
    let count = 0;
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (code >= 0x80) return utf8(s).reduce((n, byte) => (byte === target ? n + 1 : n), 0); // only ASCII is its own bytes
      if (code === target) count++;
    }
    return count;
  }
}

const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);

classes.set("com.github.nexmark.flink.udf.CountChar", { definition: CountChar, shipped: true });
