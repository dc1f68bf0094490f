import { StreamSqlError, type SqlPosition } from "./errors.js";

export type TokenKind = "ident" | "quoted" | "number" | "string" | "op" | "eof";

export interface Token extends SqlPosition {
  kind: TokenKind;
  /** Identifiers as written (keywords are identifiers here; the parser compares case-insensitively). */
  text: string;
  /** Offset in the text, for slicing a statement's own source. */
  offset: number;
}

const OPERATORS = ["<>", "<=", ">=", "!=", "||", "(", ")", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<", ">", "?", "{", "}", "|"];

/** Splits SQL into tokens with their positions; comments and whitespace are dropped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number): SqlPosition => ({ line, column: offset - lineStart + 1 });
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith("--", i)) {
      while (i < sql.length && sql[i] !== "\n") i++;
      continue;
    }
    if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw new StreamSqlError("parse", "unterminated comment", at(i), "/*");
      for (let j = i; j < end; j++) if (sql[j] === "\n") line++, (lineStart = j + 1);
      i = end + 2;
      continue;
    }
    const start = i;
    const pos = at(i);
    if (c === "'" || c === "`") {
      // SQL strings double the quote to escape it; Flink quotes identifiers with backticks.
      let text = "";
      i++;
      for (;;) {
        if (i >= sql.length) throw new StreamSqlError("parse", c === "'" ? "unterminated string literal" : "unterminated quoted identifier", pos, sql.slice(start, start + 10));
        if (sql[i] === c) {
          if (sql[i + 1] === c) (text += c), (i += 2);
          else break;
        } else {
          if (sql[i] === "\n") line++, (lineStart = i + 1);
          text += sql[i++];
        }
      }
      i++;
      tokens.push({ kind: c === "'" ? "string" : "quoted", text, offset: start, ...pos });
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i, i + 64));
    if (num) {
      i += num[0].length;
      tokens.push({ kind: "number", text: num[0], offset: start, ...pos });
      continue;
    }
    const ident = /^[A-Za-z_$][\w$]*/.exec(sql.slice(i, i + 256));
    if (ident) {
      i += ident[0].length;
      tokens.push({ kind: "ident", text: ident[0], offset: start, ...pos });
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (!op) throw new StreamSqlError("parse", "unexpected character", pos, c);
    i += op.length;
    tokens.push({ kind: "op", text: op, offset: start, ...pos });
  }
  tokens.push({ kind: "eof", text: "<EOF>", offset: sql.length, ...at(sql.length) });
  return tokens;
}
