/**
 * Test support: nexmark's own SQL files (bench/nexmark/flink/…/nexmark-sql, copied unchanged from the nexmark
 * repository) made runnable as the nexmark runner makes them, and the rows a SQL script's last query gives.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SqlSession } from "../SqlSession.js";

export const NEXMARK_SQL_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), "../../../../.."), "bench/nexmark/flink/src/main/resources/nexmark-sql");

/** ddl_gen.sql with its placeholders filled in, then ddl_views.sql; `tps`: events per second of event time. */
export function nexmarkDdl(events: number, tps = 10_000): string {
  const vars: Record<string, string> = { TPS: String(tps), EVENTS_NUM: String(events), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
  const gen = readFileSync(join(NEXMARK_SQL_DIR, "ddl_gen.sql"), "utf8").replace(/\$\{(\w+)\}/g, (_, k: string) => vars[k] ?? `\${${k}}`);
  const views = readFileSync(join(NEXMARK_SQL_DIR, "ddl_views.sql"), "utf8").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
  return `${gen}\n${views};\n`;
}

/** The SELECT of nexmark's qN.sql (its INSERT INTO dropped). */
export function nexmarkSelect(query: string): string {
  const text = readFileSync(join(NEXMARK_SQL_DIR, `${query}.sql`), "utf8");
  return text.slice(text.indexOf("SELECT", text.indexOf("INSERT INTO"))).replace(/;\s*$/, "");
}

/** The rows of the script's last statement, which must be a bounded query. */
export async function lastTableRows(sql: string): Promise<unknown[][]> {
  const results = await new SqlSession().execute(sql);
  const last = results[results.length - 1];
  assert.equal(last?.kind, "table");
  return (last as { rows: unknown[][] }).rows;
}
