/**
 * A join's state keys (regular, interval, window and temporal joins) without JSON: the engine hashes a primitive key as it is, so a single
 * equality key is its value; several are one string of self-delimiting parts (injective, so two keys are
 * equal exactly when all their values are). A key with a NULL (or NaN) value is `null`: SQL's `=`
 * never holds for it, so such a row never joins (Flink's null-filtering join keys).
 */
export type JoinKey = string | number | boolean | bigint | null;

export function joinKeyOf(values: readonly unknown[]): JoinKey {
  if (values.length === 1) return single(values[0]);
  // A join without equality keys (a cross join, or ON without `=` between the sides) puts every row on one key.
  if (values.length === 0) return "";
  let key = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) return null;
    key += part(v);
  }
  return key;
}

/** A record's identity inside its join key (Flink keys a side without unique key by the whole row): same encoding, NULLs included. */
export function recordKeyOf(values: readonly unknown[], columns?: readonly number[]): string {
  let key = "";
  if (columns === undefined) for (let i = 0; i < values.length; i++) key += values[i] === null || values[i] === undefined ? "_|" : part(values[i]);
  else
    for (let i = 0; i < columns.length; i++) {
      const v = values[columns[i] as number];
      key += v === null || v === undefined ? "_|" : part(v);
    }
  return key;
}

/** The join key of one equality key's value: joinKeyOf([v]) without the array. */
export function joinKeyOfValue(v: unknown): JoinKey {
  return single(v);
}

function single(v: unknown): JoinKey {
  switch (typeof v) {
    case "number":
      return Number.isNaN(v) ? null : v === 0 ? 0 : v;
    case "string":
    case "boolean":
    case "bigint":
      return v;
    case "undefined":
      return null;
    default:
      // A TIMESTAMP held as a Date compares by its instant; other composite values (ARRAY, ROW) by their parts.
      return v === null ? null : v instanceof Date ? v.getTime() : part(v);
  }
}

/** One value as a self-delimiting string: a type tag, a length for strings, `|` after the others. */
function part(v: unknown): string {
  switch (typeof v) {
    case "number":
      return `n${v === 0 ? 0 : v}|`;
    case "string":
      return `s${v.length}:${v}`;
    case "boolean":
      return v ? "t|" : "f|";
    case "bigint":
      return `g${v}|`;
    default: {
      if (v instanceof Date) return `n${v.getTime()}|`;
      const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x)) ?? "null";
      return `j${json.length}:${json}`;
    }
  }
}
