import type { Statement } from "../ast.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import type { TokenStream } from "../tokenStream.js";

export type Insert = Extract<Statement, { kind: "insert" }>;

/**
 * A statement set, in either of Flink's spellings: `EXECUTE STATEMENT SET BEGIN INSERT …; INSERT …;
 * END` (Flink SQL, one statement) and the SQL client's `BEGIN STATEMENT SET; INSERT …; INSERT …; END`.
 * Only INSERT INTO may stand inside, as in Flink. `statement` parses one statement of the set.
 */
export function parseStatementSet(s: TokenStream, at: SqlPosition, statement: (s: TokenStream) => Statement): Statement {
  if (s.accept("EXECUTE")) {
    s.expect("STATEMENT", "SET");
    s.expect("BEGIN");
  } else {
    s.expect("BEGIN", "STATEMENT", "SET");
    s.expect(";");
  }
  const inserts: Insert[] = [];
  for (;;) {
    while (s.accept(";"));
    if (s.accept("END")) break;
    if (s.atEnd()) throw s.error("expected END to close the statement set");
    const inner = statement(s);
    if (inner.kind !== "insert") throw new StreamSqlError("validation", "only INSERT INTO statements are allowed in a statement set", inner.at, undefined);
    inserts.push(inner);
    if (!s.is(";") && !s.is("END")) throw s.error("expected ; after the INSERT of a statement set");
  }
  if (inserts.length === 0) throw new StreamSqlError("validation", "a statement set needs at least one INSERT INTO", at, "END");
  return { kind: "statementSet", inserts, at };
}
