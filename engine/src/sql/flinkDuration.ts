import { StreamSqlError, type SqlPosition } from "./errors.js";

/** A Flink duration: `10 s`, `500ms`, `1 min`, `2h`, or plain milliseconds; `key` names the option in the error. */
export function flinkDuration(text: string, at: SqlPosition | undefined, key: string): number {
  const m = /^\s*(\d+)\s*(ms|milli|millis|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours)?\s*$/i.exec(text);
  if (!m) throw new StreamSqlError("validation", `Could not parse value '${text}' for key '${key}' (a duration such as '10 s')`, at, text);
  const unit = (m[2] ?? "ms").toLowerCase();
  const scale = unit.startsWith("h") ? 3_600_000 : unit === "m" || unit.startsWith("min") ? 60_000 : unit === "ms" || unit.startsWith("milli") ? 1 : 1000;
  return Number(m[1]) * scale;
}
