export type Mark = "line" | "bar" | "area" | "point";

/**
 * Options of a live chart. Fields may carry a Vega-Lite type after a colon, as Altair writes them:
 * `x: "start:T"` (temporal), `y: "value:Q"` (quantitative), `color: "key:N"` (nominal), `:O` ordinal.
 */
export interface ChartOptions<T> {
  x: string;
  y: string;
  color?: string;
  title?: string;
  /** Keep at most this many points, dropping the oldest (default 1000). */
  maxPoints?: number;
  /** Keep only points whose x lies within this many ms of the newest x (event-time window). */
  retain?: number;
  /**
   * Identity of a point: a later record with the same id replaces the earlier one. Window results
   * (records with `key` and `start`) are identified by both by default, so a late firing updates
   * its point instead of adding a second one.
   */
  id?: (record: T) => unknown;
  width?: number;
  height?: number;
}

export interface TableOptions<T> {
  /** Columns to show, in order (default: the first record's fields). */
  columns?: string[];
  maxRows?: number;
  id?: (record: T) => unknown;
  title?: string;
}
