import { StreamSqlError } from "./errors.js";
import type { Token } from "./lexer.js";

/** A cursor over tokens; every failure names the token it stopped at, with its line and column. */
export class TokenStream {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  get peek(): Token {
    return this.tokens[this.i] as Token;
  }

  atEnd(): boolean {
    return this.peek.kind === "eof";
  }

  ahead(n: number): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek;
    if (t.kind !== "eof") this.i++;
    return t;
  }

  /** Is the next token this keyword (case-insensitive) or operator? */
  is(word: string, offset = 0): boolean {
    const t = this.ahead(offset);
    return (t.kind === "ident" || t.kind === "op") && t.text.toUpperCase() === word;
  }

  accept(...words: string[]): boolean {
    if (!words.every((w, k) => this.is(w, k))) return false;
    for (let k = 0; k < words.length; k++) this.next();
    return true;
  }

  expect(...words: string[]): Token {
    const t = this.peek;
    if (!this.accept(...words)) throw this.error(`expected ${words.join(" ")}`);
    return t;
  }

  /** An identifier: bare (any word not reserved by the caller) or `quoted`. */
  ident(what: string): string {
    const t = this.peek;
    if (t.kind === "quoted" || (t.kind === "ident" && !RESERVED.has(t.text.toUpperCase()))) {
      this.next();
      return t.text;
    }
    throw this.error(`expected ${what}`);
  }

  string(what: string): string {
    const t = this.peek;
    if (t.kind !== "string") throw this.error(`expected ${what} (a quoted string)`);
    this.next();
    return t.text;
  }

  error(detail: string, token: Token = this.peek): StreamSqlError {
    return new StreamSqlError("parse", detail, { line: token.line, column: token.column }, token.text);
  }
}

/** Words that end an expression or a clause, so they are never read as an alias or a column. */
export const RESERVED = new Set(
  "SELECT FROM WHERE GROUP BY HAVING ORDER LIMIT UNION ALL AS AND OR NOT IS NULL IN LIKE BETWEEN CASE WHEN THEN ELSE END CAST DISTINCT ON JOIN INSERT INTO VALUES CREATE TABLE VIEW WITH WATERMARK FOR INTERVAL TRUE FALSE DROP SHOW DESCRIBE".split(
    " ",
  ),
);
