/**
 * Parser of the Flink SQL subset Sluice runs, to its own typed AST (ast.ts).
 *
 * Why hand-written and not dt-sql-parser (the one maintained TypeScript parser of Flink's whole
 * dialect, see shared/research/streaming-sql-and-flink.md): for this first slice the subset is small
 * (DDL with WITH options and WATERMARK, SELECT/WHERE/GROUP BY, UNION ALL, INSERT, TUMBLE), and
 * dt-sql-parser gives an ANTLR parse tree of ~900 rule contexts that still needs a visitor of about
 * this size to become a typed AST, plus ~20 MB of dependency and an ESM resolver shim. When the
 * subset grows to joins, OVER and MATCH_RECOGNIZE, its grammar is the one to adopt (keeping ast.ts);
 * until then the conformance test against Flink itself checks that what we accept means what Flink means.
 */
import type { ColumnDef, CreateTable, FromItem, JoinType, Query, Select, SelectItem, Statement } from "./ast.js";
import { StreamSqlError, type SqlPosition } from "./errors.js";
import { parseExpr, parseType, setSubqueryParser } from "./exprParser.js";
import { parseWindowClause } from "./over/overSpec.js";
import { parseMatchRecognize } from "./matchRecognize/parseMatchRecognize.js";
import { tokenize } from "./lexer.js";
import { parseOrderByLimit } from "./sort/parseOrderBy.js";
import { parseStatementSet } from "./statementSet/parseStatementSet.js";
import { TokenStream } from "./tokenStream.js";
import { parseCreateFunction, parseDropFunction, parseFunctionScope } from "./functions/functionDdl.js";

/** One statement with the part of the text it came from (for EXPLAIN, job names and errors). */
export interface ParsedStatement {
  statement: Statement;
  text: string;
}

/** Parses a script of statements separated by `;`. */
export function parseScript(sql: string): ParsedStatement[] {
  const s = new TokenStream(tokenize(sql));
  const out: ParsedStatement[] = [];
  for (;;) {
    while (s.accept(";"));
    if (s.atEnd()) return out;
    const start = s.peek.offset;
    const statement = parseStatement(s);
    if (!s.is(";") && !s.atEnd()) throw s.error("unexpected token after the end of the statement");
    out.push({ statement, text: sql.slice(start, s.peek.offset).trim() });
  }
}

const here = (s: TokenStream): SqlPosition => ({ line: s.peek.line, column: s.peek.column });

function parseStatement(s: TokenStream): Statement {
  const at = here(s);
  if (s.accept("CREATE")) {
    const { temporary, scope } = parseFunctionScope(s);
    if (s.accept("FUNCTION")) return parseCreateFunction(s, scope, at);
    if (scope === "system") throw s.error("expected FUNCTION after TEMPORARY SYSTEM");
    if (s.accept("TABLE")) return parseCreateTable(s, at);
    if (s.accept("VIEW")) {
      const ifNotExists = s.accept("IF", "NOT", "EXISTS");
      const name = qualifiedName(s);
      s.expect("AS");
      return { kind: "createView", name, ifNotExists, query: parseQuery(s), at };
    }
    throw s.error(`expected TABLE, VIEW or FUNCTION after ${temporary ? "TEMPORARY" : "CREATE"}`);
  }
  if (s.accept("DROP")) {
    const { temporary, scope } = parseFunctionScope(s);
    if (s.accept("FUNCTION")) return parseDropFunction(s, scope, at);
    if (scope === "system") throw s.error("expected FUNCTION after TEMPORARY SYSTEM");
    const object = s.accept("TABLE") ? "table" : s.accept("VIEW") ? "view" : undefined;
    if (!object) throw s.error(`expected TABLE, VIEW or FUNCTION after ${temporary ? "TEMPORARY" : "DROP"}`);
    const ifExists = s.accept("IF", "EXISTS");
    return { kind: "drop", object, name: qualifiedName(s), ifExists, at };
  }
  if (s.accept("SHOW")) {
    if (s.accept("FUNCTIONS")) return { kind: "showFunctions", user: false, at };
    if (s.accept("USER", "FUNCTIONS")) return { kind: "showFunctions", user: true, at };
    if (!s.is("TABLES")) throw s.error("expected TABLES, FUNCTIONS or USER FUNCTIONS after SHOW");
    s.next();
    return { kind: "showTables", at };
  }
  if (s.accept("DESCRIBE") || s.accept("DESC")) return { kind: "describe", name: qualifiedName(s), at };
  if (s.accept("INSERT")) {
    s.expect("INTO");
    const table = qualifiedName(s);
    return { kind: "insert", table, query: parseQuery(s), at };
  }
  if (s.is("SELECT") || s.is("(")) return { kind: "query", query: parseQuery(s), at };
  if (s.accept("SET")) {
    if (s.is(";") || s.atEnd()) return { kind: "set", at };
    const key = s.string("an option key");
    s.expect("=");
    return { kind: "set", key, value: s.string("an option value"), at };
  }
  if (s.accept("RESET")) return s.is(";") || s.atEnd() ? { kind: "reset", at } : { kind: "reset", key: s.string("an option key"), at };
  if (s.accept("EXPLAIN")) {
    s.accept("PLAN", "FOR");
    const statement = parseStatement(s);
    if (statement.kind !== "query" && statement.kind !== "insert")
      throw new StreamSqlError("unsupported", "EXPLAIN of a statement other than a query or INSERT INTO is not supported", statement.at, undefined);
    return { kind: "explain", statement, at };
  }
  if (s.is("EXECUTE") || s.is("BEGIN")) return parseStatementSet(s, at, parseStatement);
  throw s.error(s.is("WITH") || s.is("ALTER") ? "not supported yet" : "expected a statement (CREATE, DROP, SHOW TABLES, SHOW FUNCTIONS, DESCRIBE, INSERT INTO, SELECT, EXPLAIN or a statement set)");
}

/** `a.b.c` names (catalog.database.table) are accepted; Sluice has one catalog, so the last part is the name. */
function qualifiedName(s: TokenStream): string {
  let name = s.ident("a table name");
  while (s.accept(".")) name = s.ident("a table name");
  return name;
}

function parseCreateTable(s: TokenStream, at: SqlPosition): CreateTable {
  const ifNotExists = s.accept("IF", "NOT", "EXISTS");
  const name = qualifiedName(s);
  s.expect("(");
  const columns: ColumnDef[] = [];
  let watermark: CreateTable["watermark"];
  let primaryKey: string[] | undefined;
  do {
    if (s.accept("WATERMARK")) {
      s.expect("FOR");
      const column = s.ident("the rowtime column");
      s.expect("AS");
      watermark = { column, expr: parseExpr(s) };
    } else if (s.is("PRIMARY") || s.is("CONSTRAINT")) {
      primaryKey = parsePrimaryKey(s);
    } else {
      const column = s.ident("a column name");
      if (s.accept("AS")) columns.push({ name: column, type: { name: "NULL" }, expr: parseExpr(s) });
      else {
        const type = parseType(s);
        if (s.accept("METADATA")) {
          const key = s.accept("FROM") ? s.string("a metadata key such as 'timestamp'") : column;
          columns.push({ name: column, type, metadata: { key, virtual: s.accept("VIRTUAL") } });
        } else columns.push({ name: column, type });
      }
    }
  } while (s.accept(","));
  s.expect(")");
  let partitionedBy: string[] | undefined;
  if (s.accept("PARTITIONED", "BY")) {
    s.expect("(");
    partitionedBy = [];
    do partitionedBy.push(s.ident("a partition column"));
    while (s.accept(","));
    s.expect(")");
  }
  const options: Record<string, string> = {};
  if (s.accept("WITH")) {
    s.expect("(");
    do {
      const key = s.string("an option key such as 'connector'");
      s.expect("=");
      options[key] = s.string(`the value of '${key}'`);
    } while (s.accept(","));
    s.expect(")");
  }
  return { kind: "createTable", name, ifNotExists, columns, ...(watermark ? { watermark } : {}), ...(primaryKey ? { primaryKey } : {}), ...(partitionedBy ? { partitionedBy } : {}), options, at };
}

/** `[CONSTRAINT name] PRIMARY KEY (a, b) NOT ENFORCED`: Flink rejects an enforced key, so do we. */
function parsePrimaryKey(s: TokenStream): string[] {
  if (s.accept("CONSTRAINT")) s.ident("a constraint name");
  s.expect("PRIMARY");
  s.expect("KEY");
  s.expect("(");
  const key: string[] = [];
  do key.push(s.ident("a key column"));
  while (s.accept(","));
  s.expect(")");
  if (!s.accept("NOT", "ENFORCED"))
    throw new StreamSqlError(
      "validation",
      "Flink doesn't support ENFORCED mode for PRIMARY KEY constraint. ENFORCED/NOT ENFORCED controls if the constraint checks are performed on the incoming/outgoing data. Flink does not own the data therefore the only supported mode is the NOT ENFORCED mode",
      here(s),
      s.peek.text,
    );
  return key;
}

setSubqueryParser((s) => parseQuery(s));

function parseQuery(s: TokenStream): Query {
  const at = here(s);
  const first = parseQueryTerm(s);
  if (!s.is("UNION")) return first;
  const inputs = [first];
  while (s.accept("UNION")) {
    if (!s.accept("ALL")) throw new StreamSqlError("unsupported", "UNION without ALL (distinct union) is not supported yet", here(s), s.peek.text);
    const sorted = inputs.find((q) => q.kind === "select" && (q.orderBy || q.limit !== undefined));
    if (sorted) throw new StreamSqlError("unsupported", "ORDER BY/LIMIT inside UNION ALL is not supported yet", sorted.at, "ORDER");
    inputs.push(parseQueryTerm(s));
  }
  const last = inputs[inputs.length - 1] as Query;
  if (last.kind === "select" && (last.orderBy || last.limit !== undefined)) throw new StreamSqlError("unsupported", "ORDER BY/LIMIT of a UNION ALL is not supported yet", last.at, "ORDER");
  return { kind: "unionAll", inputs, at };
}

function parseQueryTerm(s: TokenStream): Query {
  if (s.accept("(")) {
    const q = parseQuery(s);
    s.expect(")");
    return q;
  }
  return parseSelect(s);
}

function parseSelect(s: TokenStream): Select {
  const at = here(s);
  s.expect("SELECT");
  const distinct = s.accept("DISTINCT");
  s.accept("ALL");
  const items: SelectItem[] = [];
  do {
    const itemAt = here(s);
    if (s.accept("*")) items.push({ kind: "star", at: itemAt });
    else if ((s.peek.kind === "ident" || s.peek.kind === "quoted") && s.is(".", 1) && s.is("*", 2)) {
      const table = s.ident("a table name");
      s.next();
      s.next();
      items.push({ kind: "star", table, at: itemAt });
    } else {
      const expr = parseExpr(s);
      const alias = s.accept("AS") ? s.ident("an alias") : s.peek.kind === "quoted" || (s.peek.kind === "ident" && !isClauseWord(s)) ? s.ident("an alias") : undefined;
      items.push({ kind: "expr", expr, ...(alias !== undefined ? { alias } : {}), at: itemAt });
    }
  } while (s.accept(","));
  s.expect("FROM");
  const from = parseFrom(s);
  let where = s.accept("WHERE") ? parseExpr(s) : undefined;
  // `FROM a, b WHERE cond`: an inner join on the WHERE, as Flink's optimizer pushes it into the join.
  if (from.kind === "join" && from.comma && where) {
    from.on = where;
    where = undefined;
  }
  const groupBy = [];
  if (s.accept("GROUP", "BY")) {
    groupBy.push(parseExpr(s));
    while (s.accept(",")) groupBy.push(parseExpr(s));
  }
  const having = s.accept("HAVING") ? parseExpr(s) : undefined;
  const windows = s.is("WINDOW") ? parseWindowClause(s) : undefined;
  const sort = parseOrderByLimit(s);
  return { kind: "select", distinct, items, from, ...(where ? { where } : {}), groupBy, ...(having ? { having } : {}), ...(windows ? { windows } : {}), ...sort, at };
}

function isJoinWord(s: TokenStream): boolean {
  return ["INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "USING", "FOR"].some((w) => s.is(w));
}

function isClauseWord(s: TokenStream): boolean {
  return ["FROM", "WHERE", "GROUP", "HAVING", "UNION", "ORDER", "LIMIT", "OFFSET", "FETCH", "JOIN", "ON", "WINDOW"].some((w) => s.is(w));
}

/** `item [[INNER|LEFT|RIGHT|FULL [OUTER]] JOIN item ON cond | , item]*`, left-deep as Flink reads it. */
function parseFrom(s: TokenStream): FromItem {
  let from = parseFromItem(s);
  for (;;) {
    const at = here(s);
    if (s.accept(",")) {
      from = { kind: "join", joinType: "inner", left: from, right: parseFromItem(s), comma: true, at };
      continue;
    }
    const joinType = s.accept("JOIN") || s.accept("INNER", "JOIN") ? "inner" : (["LEFT", "RIGHT", "FULL"] as const).find((w) => s.is(w) && (s.is("JOIN", 1) || s.is("OUTER", 1)));
    if (joinType === undefined) {
      if (s.is("CROSS") || s.is("NATURAL")) throw new StreamSqlError("unsupported", `${s.peek.text.toUpperCase()} JOIN is not supported yet`, at, s.peek.text);
      return from;
    }
    if (joinType !== "inner") {
      s.next();
      s.accept("OUTER");
      s.expect("JOIN");
    }
    const right = parseFromItem(s);
    if (s.is("FOR")) throw new StreamSqlError("validation", "FOR SYSTEM_TIME AS OF follows a table name", here(s), s.peek.text);
    if (s.is("USING")) throw new StreamSqlError("unsupported", "JOIN … USING is not supported yet (write ON a.k = b.k)", here(s), s.peek.text);
    s.expect("ON");
    from = { kind: "join", joinType: joinType.toLowerCase() as JoinType, left: from, right, on: parseExpr(s), at };
  }
}

function parseFromItem(s: TokenStream): FromItem {
  const at = here(s);
  let item: FromItem;
  if (s.is("TABLE") && s.is("(", 1)) {
    s.next();
    s.next();
    item = parseWindowTvf(s, at);
    s.expect(")");
  } else if (s.accept("(")) {
    item = { kind: "subquery", query: parseQuery(s), at };
    s.expect(")");
  } else {
    const name = qualifiedName(s);
    item = s.accept("FOR", "SYSTEM_TIME", "AS", "OF") ? { kind: "table", name, asOf: parseExpr(s), at } : { kind: "table", name, at };
  }
  if (s.is("MATCH_RECOGNIZE")) item = { kind: "matchRecognize", spec: parseMatchRecognize(s, item), at };
  const alias = s.accept("AS") ? s.ident("an alias") : s.peek.kind === "quoted" || (s.peek.kind === "ident" && !isClauseWord(s) && !isJoinWord(s)) ? s.ident("an alias") : undefined;
  // A join is never `item`: parseFrom builds joins of these.
  return alias !== undefined ? ({ ...item, alias } as FromItem) : item;
}

/**
 * `TUMBLE(TABLE t, DESCRIPTOR(ts), size)`, `HOP(…, slide, size)`, `CUMULATE(…, step, size)`,
 * `SESSION(TABLE t [PARTITION BY k | (k1, k2)], DESCRIPTOR(ts), gap)`, in Flink's argument order or
 * named (`DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => …`, DATA first); TUMBLE, HOP and CUMULATE take an optional OFFSET last.
 */
function parseWindowTvf(s: TokenStream, at: SqlPosition): FromItem {
  const fn = s.peek;
  const name = ["TUMBLE", "HOP", "CUMULATE", "SESSION"].find((w) => s.accept(w));
  if (!name) throw new StreamSqlError("unsupported", `window function ${fn.text} is not supported yet (TUMBLE, HOP, CUMULATE and SESSION are)`, { line: fn.line, column: fn.column }, fn.text);
  const params = ["DATA", "TIMECOL", ...(name === "HOP" ? ["SLIDE", "SIZE", "OFFSET"] : name === "CUMULATE" ? ["STEP", "SIZE", "OFFSET"] : name === "SESSION" ? ["GAP"] : ["SIZE", "OFFSET"])];
  const args = new Map<string, unknown>();
  s.expect("(");
  do {
    const argAt = s.peek;
    let param = params[args.size];
    if (s.is("=", 1) && s.is(">", 2)) {
      param = s.ident("a parameter name").toUpperCase();
      s.next();
      s.next();
      if (!params.includes(param)) throw new StreamSqlError("validation", `${name} has no parameter ${param}`, { line: argAt.line, column: argAt.column }, argAt.text);
    }
    if (param === undefined) throw s.error(`too many arguments to ${name}`);
    if (param === "DATA") {
      s.expect("TABLE");
      const input: FromItem = { kind: "table", name: qualifiedName(s), at: here(s) };
      const partitionBy: string[] = [];
      if (name === "SESSION" && s.accept("PARTITION", "BY")) {
        // `PARTITION BY k` or `PARTITION BY (k1, k2)`: a list needs its parentheses (the comma ends the table argument).
        if (s.accept("(")) {
          do partitionBy.push(s.ident("a partition column"));
          while (s.accept(","));
          s.expect(")");
        } else partitionBy.push(s.ident("a partition column"));
      }
      args.set(param, { input, partitionBy });
    } else if (param === "TIMECOL") {
      s.expect("DESCRIPTOR");
      s.expect("(");
      args.set(param, s.ident("the time attribute column"));
      s.expect(")");
    } else {
      const arg = parseExpr(s);
      // An offset may be negative: INTERVAL '-1' MINUTE or -INTERVAL '1' MINUTE.
      const millis = arg.kind === "interval" ? arg.millis : arg.kind === "unary" && arg.op === "-" && arg.arg.kind === "interval" ? -arg.arg.millis : undefined;
      if (millis === undefined) throw s.error(`expected the window ${param.toLowerCase()} as INTERVAL 'n' unit`, argAt);
      args.set(param, millis);
    }
  } while (s.accept(","));
  s.expect(")");
  const missing = params.find((p) => !args.has(p) && p !== "OFFSET");
  if (missing) throw new StreamSqlError("validation", `${name} needs its ${missing} parameter`, at, name);
  const { input, partitionBy } = args.get("DATA") as { input: FromItem; partitionBy: string[] };
  const timeColumn = args.get("TIMECOL") as string;
  const ms = (p: string): number => args.get(p) as number;
  const offset = args.has("OFFSET") ? { offset: ms("OFFSET") } : {};
  if (name === "HOP") return { kind: "hop", input, timeColumn, slide: ms("SLIDE"), size: ms("SIZE"), ...offset, at };
  if (name === "CUMULATE") return { kind: "cumulate", input, timeColumn, step: ms("STEP"), size: ms("SIZE"), ...offset, at };
  if (name === "SESSION") return { kind: "session", input, partitionBy, timeColumn, gap: ms("GAP"), at };
  return { kind: "tumble", input, timeColumn, size: ms("SIZE"), ...offset, at };
}
