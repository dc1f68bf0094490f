/**
 * What the kernel needs to know about a cell's Flink SQL before sending it to the SQL Gateway,
 * which takes one statement per request: the statements (split at `;` outside strings, quoted
 * identifiers and comments), what kind each is, whether a query's result ends (so the cell waits
 * for it or returns at once), and which tables only Sluice has (kept in the kernel). Boundedness follows Flink's connectors: datagen with 'number-of-rows' or a sequence field, filesystem
 * without 'source.monitor-interval', kafka with a 'scan.bounded.mode' end; anything in batch
 * runtime mode. A query is bounded when every table or view it names that this kernel created
 * is, and none it names is unknown to it (a table from another client's catalog might be unbounded).
 */
export interface FlinkStatement {
  text: string;
  /** 1-based line of the cell body where the statement starts (for errors). */
  line: number;
  kind: "query" | "insert" | "set" | "other";
}

/** Splits at top-level `;`. Comments stay in the text (Flink accepts them). */
export function splitStatements(body: string): FlinkStatement[] {
  const out: FlinkStatement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = body.slice(start, end);
    const text = raw.trim();
    if (stripComments(text).trim() !== "") {
      const lead = raw.length - raw.trimStart().length;
      out.push({ text, line: body.slice(0, start + lead).split("\n").length, kind: kindOf(text) });
    }
    start = end + 1;
  };
  while (i < body.length) {
    const c = body[i];
    if (c === "'" || c === "`" || c === '"') {
      const close = body.indexOf(c, i + 1);
      // A doubled quote inside a string is an escaped quote: indexOf lands on it and the loop continues after.
      i = close < 0 ? body.length : close + 1;
    } else if (c === "-" && body[i + 1] === "-") {
      const nl = body.indexOf("\n", i);
      i = nl < 0 ? body.length : nl + 1;
    } else if (c === "/" && body[i + 1] === "*") {
      const close = body.indexOf("*/", i + 2);
      i = close < 0 ? body.length : close + 2;
    } else if (c === ";") {
      push(i);
      i++;
    } else i++;
  }
  push(body.length);
  return out;
}

function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

function kindOf(text: string): FlinkStatement["kind"] {
  const first = /^\s*(\w+)/.exec(stripComments(text))?.[1]?.toUpperCase();
  if (first === "SELECT" || first === "WITH" || first === "VALUES" || first === "TABLE") return "query";
  if (first === "INSERT" || first === "EXECUTE") return "insert";
  if (first === "SET" || first === "RESET") return "set";
  return "other";
}

/** `WITH ('k' = 'v', …)` options of a CREATE TABLE (string literals, '' unescaped). */
export function withOptions(text: string): Record<string, string> {
  const at = /\bWITH\s*\(/i.exec(stripComments(text).replace(/'(?:[^']|'')*'/g, (s) => s.replace(/\(/g, " ")));
  if (!at) return {};
  const options: Record<string, string> = {};
  for (const m of text.slice(at.index).matchAll(/'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'/g)) options[(m[1] ?? "").replace(/''/g, "'")] = (m[2] ?? "").replace(/''/g, "'");
  return options;
}

/**
 * Connectors the embedded engine has and Flink does not: such a table is created in the kernel's
 * catalog, not on Flink, and an INSERT INTO it runs its query on Flink and writes the rows that
 * come back through the gateway (kernel/src/flink/localSinks.ts).
 */
const SLUICE_ONLY_CONNECTORS = new Set(["duckdb"]);

/** A CREATE TABLE of a Sluice-only connector: it runs in the kernel. */
export function isSluiceOnlyTable(statement: FlinkStatement): boolean {
  const connector = withOptions(statement.text).connector;
  return connector !== undefined && /^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\b/i.test(stripComments(statement.text)) && SLUICE_ONLY_CONNECTORS.has(connector.toLowerCase());
}

/** Whether a table's connector is Sluice-only (the kernel keeps it). */
export function sluiceOnlyConnector(connector: string | undefined): boolean {
  return connector !== undefined && SLUICE_ONLY_CONNECTORS.has(connector.toLowerCase());
}

/** `INSERT INTO t SELECT …` as its target table and query; undefined for other statements (and INSERT INTO t (cols) …). */
export function insertInto(text: string): { table: string; query: string } | undefined {
  // Comments before the INSERT are skipped; those in the query stay in the text sent to Flink.
  const m = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*INSERT\s+INTO\s+([\w.`]+)\s+(?!\()([\s\S]*)$/i.exec(text);
  return m?.[1] && m[2] ? { table: bare(m[1]), query: m[2].trim() } : undefined;
}

/** The tables and views a query reads (FROM, JOIN, TABLE), names its WITH clause defines left out. */
export function tablesRead(query: string): string[] {
  const text = stripComments(query);
  const local = new Set([...text.matchAll(/([\w`]+)\s+AS\s*\(/gi)].map((m) => bare(m[1] ?? "")));
  return [...text.matchAll(/\b(?:FROM|JOIN|TABLE)\s+(?!(?:TABLE|LATERAL|UNNEST)\s*\(|\()([\w.`]+)/gi)].map((m) => bare(m[1] ?? "")).filter((n) => !local.has(n));
}

/** The boundedness of the tables and views created through this kernel's gateway session. */
export class FlinkCatalog {
  private readonly bounded = new Map<string, boolean>();
  private batchMode = false;

  /** Learns from a statement Flink accepted. */
  note(statement: FlinkStatement): void {
    const text = stripComments(statement.text);
    const setMode = /^\s*SET\s+'execution\.runtime-mode'\s*=\s*'(\w+)'/i.exec(text);
    if (setMode) this.batchMode = setMode[1]?.toLowerCase() === "batch";
    if (/^\s*RESET\s*;?\s*$/i.test(text)) this.batchMode = false;
    const drop = /^\s*DROP\s+(?:TEMPORARY\s+)?(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?([\w.`]+)/i.exec(text);
    if (drop?.[1]) this.bounded.delete(bare(drop[1]));
    const table = /^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.`]+)/i.exec(text);
    if (table?.[1]) this.bounded.set(bare(table[1]), tableIsBounded(withOptions(statement.text)));
    const view = /^\s*CREATE\s+(?:TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.`]+)[\s\S]*?\bAS\b([\s\S]*)$/i.exec(text);
    if (view?.[1] && view[2] !== undefined) this.bounded.set(bare(view[1]), this.isBounded(view[2]));
  }

  /** Whether a query's result ends. */
  isBounded(query: string): boolean {
    if (this.batchMode) return true;
    return tablesRead(query).every((name) => this.bounded.get(name) === true);
  }
}

const bare = (name: string) => (name.split(".").at(-1) ?? name).replace(/`/g, "").toLowerCase();

function tableIsBounded(o: Record<string, string>): boolean {
  switch (o.connector) {
    case "datagen":
      // A sequence field ends the source when it runs out.
      return o["number-of-rows"] !== undefined || Object.entries(o).some(([k, v]) => /^fields\.[^.]+\.kind$/.test(k) && v === "sequence");
    case "filesystem":
      return o["source.monitor-interval"] === undefined;
    case "kafka":
    case "upsert-kafka":
      return o["scan.bounded.mode"] !== undefined && o["scan.bounded.mode"] !== "unbounded";
    default:
      return false;
  }
}
