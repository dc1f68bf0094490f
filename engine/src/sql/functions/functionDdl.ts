/**
 * Flink's function DDL: `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] [catalog.db.]name AS
 * 'class' [LANGUAGE JAVA|SCALA|PYTHON] [USING JAR 'path' [, JAR 'path']*]` and `DROP [TEMPORARY
 * [SYSTEM]] FUNCTION [IF EXISTS] name`. A JAR list is read and ignored: the class name is resolved to
 * an implementation registered in TypeScript (userFunctions.ts), so the same text runs on Flink.
 */
import type { CreateFunction, FunctionScope, Statement } from "../ast.js";
import type { SqlPosition } from "../errors.js";
import type { TokenStream } from "../tokenStream.js";

/** After CREATE [TEMPORARY [SYSTEM]] FUNCTION. */
export function parseCreateFunction(s: TokenStream, scope: FunctionScope, at: SqlPosition): CreateFunction {
  const ifNotExists = s.accept("IF", "NOT", "EXISTS");
  const name = functionName(s, scope);
  s.expect("AS");
  const classAt = { line: s.peek.line, column: s.peek.column };
  const className = s.string("the function's class name");
  let language = "JAVA";
  if (s.accept("LANGUAGE")) {
    const word = s.peek;
    language = s.ident("JAVA, SCALA or PYTHON").toUpperCase();
    if (!["JAVA", "SCALA", "PYTHON"].includes(language)) throw s.error("expected JAVA, SCALA or PYTHON after LANGUAGE", word);
  }
  if (s.accept("USING")) {
    do {
      s.expect("JAR");
      s.string("the jar's path");
    } while (s.accept(","));
  }
  return { kind: "createFunction", name, scope, ifNotExists, className, classAt, language, at };
}

/** After DROP [TEMPORARY [SYSTEM]] FUNCTION. */
export function parseDropFunction(s: TokenStream, scope: FunctionScope, at: SqlPosition): Extract<Statement, { kind: "dropFunction" }> {
  const ifExists = s.accept("IF", "EXISTS");
  return { kind: "dropFunction", name: functionName(s, scope), scope, ifExists, at };
}

/** A catalog function may be qualified (`catalog.db.name`: Sluice has one catalog, the last part names it); a system function may not. */
function functionName(s: TokenStream, scope: FunctionScope): string {
  let name = s.ident("a function name");
  while (s.is(".")) {
    if (scope === "system") throw s.error("a TEMPORARY SYSTEM function's name cannot be qualified");
    s.next();
    name = s.ident("a function name");
  }
  return name;
}

/** `[TEMPORARY [SYSTEM]]` after CREATE or DROP. */
export function parseFunctionScope(s: TokenStream): { temporary: boolean; scope: FunctionScope } {
  const temporary = s.accept("TEMPORARY");
  if (temporary && s.accept("SYSTEM")) return { temporary, scope: "system" };
  return { temporary, scope: temporary ? "temporary" : "catalog" };
}
