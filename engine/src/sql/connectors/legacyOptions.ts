import { StreamSqlError } from "../errors.js";

/** Legacy descriptor keys (Flink's pre-1.11 `connector.type` / `format.type` properties) and the modern key each means. */
const MODERN: Record<string, string> = {
  "connector.path": "path",
  "format.field-delimiter": "csv.field-delimiter",
};
/** Keys that only version the descriptor: nothing to read. */
const VERSION_KEYS = ["connector.property-version", "format.property-version"];

/**
 * A table declared with Flink's legacy descriptor keys (nexmark's q13 side input: 'connector.type' =
 * 'filesystem', 'connector.path', 'format.type' = 'csv') as the modern options the filesystem
 * connector reads, and whether it was declared so: Flink serves such a table by its legacy
 * CsvTableSource, a lookup source (a processing-time temporal join reads it, lookupJoin.ts), which the
 * modern filesystem connector is not. Only that subset is mapped; any other legacy key is refused by
 * name rather than ignored. Options without `connector.type` come back as they are.
 */
export function modernOptions(table: string, options: Record<string, string>): { options: Record<string, string>; legacy: boolean } {
  const type = options["connector.type"];
  if (type === undefined) return { options, legacy: false };
  if (options.connector !== undefined) throw new StreamSqlError("validation", `table ${table}: 'connector' and the legacy 'connector.type' cannot both be set`, undefined, "connector.type");
  if (type !== "filesystem") throw new StreamSqlError("unsupported", `table ${table}: legacy 'connector.type' = '${type}' is not supported (filesystem is)`, undefined, type);
  const format = options["format.type"];
  if (format !== "csv") throw new StreamSqlError("unsupported", `table ${table}: legacy 'format.type' = '${format ?? ""}' is not supported (csv is)`, undefined, "format.type");
  const modern: Record<string, string> = { connector: "filesystem", format: "csv" };
  for (const [key, value] of Object.entries(options)) {
    if (key === "connector.type" || key === "format.type" || VERSION_KEYS.includes(key)) continue;
    const to = MODERN[key];
    if (to === undefined) throw new StreamSqlError("unsupported", `table ${table}: legacy option '${key}' is not supported (connector.path, format.field-delimiter are)`, undefined, key);
    modern[to] = value;
  }
  return { options: modern, legacy: true };
}
