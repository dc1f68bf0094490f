import type { Expr } from "../ast.js";
import type { TableEntry } from "../catalog.js";

/** The ROW column of each `event_type` value (nexmark's model: 0 person, 1 auction, 2 bid). */
const TYPES = ["person", "auction", "bid"] as const;

/**
 * Whether `expr`, over a record of the nexmark table `table`, is the event's own time for every event: the
 * generator's timestamp, which the nexmark source gives each record already (connectors/nexmark). Only
 * ddl_gen.sql's shape is recognised: `CASE WHEN event_type = 0 THEN person.dateTime WHEN event_type = 1 THEN
 * auction.dateTime ELSE bid.dateTime END`, its WHENs in any order, each event type picking its own ROW
 * column's TIMESTAMP field `dateTime`. Then the scan need not compute the rowtime per record (a CASE per
 * event, a boxed number each, and an array of them per poll: nexmark q8's SQL allocated ~25 MB more per
 * 1,000,000 events than the DataStream q8 for it). Anything else: false, and the rowtime is computed.
 */
export function isNexmarkEventTime(table: TableEntry, expr: Expr): boolean {
  if (expr.kind !== "case" || expr.operand !== undefined) return false;
  if (!table.columns.some((c) => c.name.toLowerCase() === "event_type" && !c.computed && !c.metadata)) return false;
  const types: (number | undefined)[] = expr.whens.map(({ when }) => eventTypeTest(when));
  if (types.includes(undefined)) return false;
  return TYPES.every((column, t) => {
    const i = types.indexOf(t);
    const picked = i >= 0 ? expr.whens[i]?.then : expr.else;
    return picked !== undefined && isDateTimeOf(table, column, picked);
  });
}

/** `event_type = k` (either way round) with k an integer literal: k; else undefined. */
function eventTypeTest(e: Expr): number | undefined {
  if (e.kind !== "binary" || e.op !== "=") return undefined;
  const [column, literal] = e.left.kind === "column" ? [e.left, e.right] : [e.right, e.left];
  if (column.kind !== "column" || column.table !== undefined || column.name.toLowerCase() !== "event_type") return undefined;
  return literal.kind === "literal" && typeof literal.value === "number" && Number.isInteger(literal.value) ? literal.value : undefined;
}

/** `<column>.dateTime`, the table's ROW column `column` having that TIMESTAMP field. */
function isDateTimeOf(table: TableEntry, column: string, e: Expr): boolean {
  if (e.kind !== "column" || e.table?.toLowerCase() !== column || e.name.toLowerCase() !== "datetime") return false;
  const row = table.columns.find((c) => c.name.toLowerCase() === column && !c.computed && !c.metadata);
  const field = row?.type.fields?.find((f) => f.name.toLowerCase() === "datetime");
  return row?.type.name === "ROW" && field?.type.name === "TIMESTAMP";
}
