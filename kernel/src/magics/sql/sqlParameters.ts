export class UnknownVariableError extends Error {
  override name = "NameError";
}

/**
 * Replaces `{name}` and `$name` references to TypeScript variables with `?` and collects their
 * values, so they are bound as parameters (a value is never pasted into the SQL text).
 * Quoted strings, quoted identifiers and comments are left alone; `$1`-style positional
 * parameters and `$$` are not names and pass through.
 */
export function bindVariables(sql: string, lookup: (name: string) => { found: boolean; value?: unknown }): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  let text = "";
  for (let i = 0; i < sql.length; ) {
    const c = sql[i] as string;
    const skip = quotedOrCommentEnd(sql, i);
    if (skip > i) {
      text += sql.slice(i, skip);
      i = skip;
      continue;
    }
    const m = c === "{" ? /^\{([A-Za-z_$][\w$]*)\}/.exec(sql.slice(i)) : c === "$" ? /^\$([A-Za-z_][\w]*)/.exec(sql.slice(i)) : null;
    if (m) {
      const name = m[1] as string;
      const v = lookup(name);
      if (!v.found) throw new UnknownVariableError(`no TypeScript variable named "${name}" (referenced as ${m[0]} in the SQL)`);
      params.push(v.value);
      text += "?";
      i += m[0].length;
      continue;
    }
    text += c;
    i++;
  }
  return { text, params };
}

function quotedOrCommentEnd(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c && sql[j + 1] === c)
        j += 2; // doubled quote escapes itself
      else if (sql[j] === c) return j + 1;
      else j++;
    }
    return sql.length;
  }
  if (c === "-" && sql[i + 1] === "-") {
    const nl = sql.indexOf("\n", i);
    return nl < 0 ? sql.length : nl;
  }
  if (c === "/" && sql[i + 1] === "*") {
    const end = sql.indexOf("*/", i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}
