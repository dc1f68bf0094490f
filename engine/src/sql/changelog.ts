import type { Row } from "./connectors.js";

/** Flink's RowKind, by its short strings: insert, update before/after, delete. */
export type RowKind = "+I" | "-U" | "+U" | "-D";

/** One row of an updating result (Flink's Row with its RowKind). */
export interface Change {
  kind: RowKind;
  row: Row;
}

/**
 * An updating result applied to a table, as Flink's SQL client materialises one: keyed by the
 * query's unique key (the GROUP BY columns, when the SELECT shows them all), else by the whole row
 * (a -U/-D then removes one equal row). A -U keeps its row shown until its +U replaces it, so a
 * reader never sees a group missing between the two; a -U that no +U follows is applied by `flush()`.
 */
export class ChangelogTable {
  private readonly rows = new Map<string, { row: Row; count: number }>();
  private readonly pending = new Set<string>();

  constructor(private readonly uniqueKey: number[] | undefined) {}

  apply(change: Change): void {
    const key = this.keyOf(change.row);
    const entry = this.rows.get(key);
    switch (change.kind) {
      case "+I":
      case "+U":
        this.pending.delete(key);
        this.rows.set(key, { row: change.row, count: this.uniqueKey ? 1 : (entry?.count ?? 0) + 1 });
        break;
      case "-U":
        if (this.uniqueKey) this.pending.add(key);
        else this.remove(key);
        break;
      case "-D":
        this.pending.delete(key);
        this.remove(key);
        break;
    }
  }

  /** Applies the -U rows no +U followed (a group a later filter dropped). */
  flush(): void {
    for (const key of this.pending) this.rows.delete(key);
    this.pending.clear();
  }

  /** The table as plain data, for a checkpoint (a pending -U is part of it: its +U follows the barrier). */
  snapshot(): { rows: [string, { row: Row; count: number }][]; pending: string[] } {
    return { rows: [...this.rows].map(([k, e]) => [k, { ...e }]), pending: [...this.pending] };
  }

  restore(state: ReturnType<ChangelogTable["snapshot"]>): void {
    this.rows.clear();
    this.pending.clear();
    for (const [k, e] of state.rows) this.rows.set(k, { ...e });
    for (const k of state.pending) this.pending.add(k);
  }

  /** The current rows, in the order their keys first appeared. */
  values(): Row[] {
    return [...this.rows.values()].flatMap((e) => Array.from({ length: e.count }, () => e.row));
  }

  private remove(key: string): void {
    const entry = this.rows.get(key);
    if (entry === undefined) return;
    if (entry.count > 1) entry.count -= 1;
    else this.rows.delete(key);
  }

  private keyOf(row: Row): string {
    return JSON.stringify(this.uniqueKey ? this.uniqueKey.map((i) => row[i]) : row);
  }
}

/** A changelog folded to its final table. */
export function foldChangelog(changes: readonly Change[], uniqueKey: number[] | undefined): Row[] {
  const table = new ChangelogTable(uniqueKey);
  for (const c of changes) table.apply(c);
  table.flush();
  return table.values();
}
