import { StreamSqlError, type SqlPosition } from "./errors.js";

const UNITS: Record<string, number> = {
  ms: 1,
  milli: 1,
  millis: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** A Flink duration in milliseconds: `10 s`, `500ms`, `1 min`, `2h`, `1 d`, or plain milliseconds; undefined if it is none. */
export function durationMillis(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? UNITS[(m[2] || "ms").toLowerCase()] : undefined;
  return m && factor !== undefined ? Number(m[1]) * factor : undefined;
}

/** A SET option's duration (checkpoint interval, mini-batch latency); `key` names the option in the error. */
export function flinkDuration(text: string, at: SqlPosition | undefined, key: string): number {
  const ms = durationMillis(text);
  if (ms === undefined) throw new StreamSqlError("validation", `Could not parse value '${text}' for key '${key}' (a duration such as '10 s')`, at, text);
  return ms;
}
