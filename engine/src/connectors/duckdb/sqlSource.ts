import type { Source } from "../Source.js";
import { sharedDatabase } from "./sharedDatabase.js";
import type { SqlDatabase } from "./SqlDatabase.js";

/**
 * A bounded source replaying the rows of a query, so historical data runs through the same
 * pipeline as live data. Rows come in the query's order; use ORDER BY for event time.
 *
 * @example
 * env.fromSource(duckdb.source("select * from 'views.parquet' order by ts"))
 */
export function sqlSource<Row = Record<string, unknown>>(query: string, params: readonly unknown[] = [], database?: SqlDatabase): Source<Row> {
  return {
    name: `duckdb:${query.length > 40 ? query.slice(0, 39) + "…" : query}`,
    bounded: true,
    maxParallelism: 1,
    createReader: () => {
      let rows: Row[] | undefined;
      let next = 0;
      return {
        open: async () => {
          const db = database ?? (await sharedDatabase());
          rows = (await db.run(query, params as never[])).values as Row[];
        },
        poll: (max) => {
          const all = rows ?? [];
          const values = all.slice(next, next + max);
          next += values.length;
          return { values, end: next >= all.length };
        },
        snapshotPosition: () => next,
        restorePosition: (p) => {
          next = Number(p);
        },
      };
    },
  };
}
