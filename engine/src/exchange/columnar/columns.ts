/**
 * One column of a batch, encoded by the values it holds, chosen per batch: numbers as Int32Array when
 * every value fits (ids, counts) else Float64Array (exact for every JS number: BIGINT and TIMESTAMP are
 * numbers in Sluice's SQL rows), BOOLEAN as bytes, strings through the channel's dictionary or as
 * UTF-8 (strings.ts), ROW as its fields' columns. A value that fits none of these (a bigint, a Date, a
 * string in a number column) sends its column of this batch by structured clone instead, so decoding
 * always gives back what was encoded.
 */
import type { SqlType } from "../../sql/types.js";
import { Nullity, nullReader, type NullHeader, type SectionWriter } from "./sections.js";
import { decodeStrings, encodeStrings, type StringColumnState, type StringHeader, type StringPolicy } from "./strings.js";

export type ColumnHeader =
  | ({ enc: "f64" | "i32" | "i64" | "bool"; at: number } & NullHeader)
  | StringHeader
  | ({ enc: "row"; children: ColumnHeader[] } & NullHeader)
  /** Every row null. */
  | { enc: "null" }
  /** Structured clone: values no typed encoding fits. */
  | { enc: "any"; values: unknown[] };

/** A field of the schema with what its encoder learned so far (kept for the channel's life). */
export interface ColumnState extends StringColumnState {
  readonly name: string;
  readonly kind: "integral" | "number" | "boolean" | "string" | "row" | "other";
  readonly children: ColumnState[];
  /** An integral column that needed Float64 once starts there (no second pass per batch). */
  wide: boolean;
  /** The consumer reads none of its values: every batch sends it as NULL without looking at it. */
  readonly unread: boolean;
}

export function columnState(name: string, type: SqlType, policy: StringPolicy = "adaptive", unread = false): ColumnState {
  const kind =
    type.name === "ROW"
      ? "row"
      : ["TINYINT", "SMALLINT", "INT", "BIGINT"].includes(type.name)
        ? "integral"
        : ["FLOAT", "DOUBLE", "DECIMAL", "TIMESTAMP"].includes(type.name)
          ? "number"
          : type.name === "BOOLEAN"
            ? "boolean"
            : type.name === "STRING" || type.name === "DATE"
              ? "string"
              : "other";
  const children = kind === "row" ? (type.fields ?? []).map((f) => columnState(f.name, f.type, policy)) : [];
  return { name, kind, children, wide: false, unread, dictionary: new Map(), strings: policy === "utf8" ? "utf8" : "dictionary", policy };
}

const nullity = new Nullity();

export function encodeColumn(col: ColumnState, values: readonly unknown[], n: number, out: SectionWriter): ColumnHeader {
  if (col.unread) return { enc: "null" };
  const start = out.end;
  nullity.reset(n);
  let h: ColumnHeader | undefined;
  switch (col.kind) {
    case "integral":
      h = (col.wide ? undefined : encodeInt32(values, n, out)) ?? encodeFloat64(values, n, out, start);
      if (h?.enc === "f64") col.wide = true;
      h ??= encodeBigInt64(values, n, out, start);
      break;
    case "number":
      h = encodeFloat64(values, n, out, start);
      break;
    case "boolean":
      h = encodeBoolean(values, n, out);
      break;
    case "string":
      h = encodeStrings(col, values, n, out, nullity);
      break;
    case "row":
      h = encodeRow(col, values, n, out);
      break;
    default:
      h = allNull(values, n) ? { enc: "null" } : undefined;
  }
  if (h === undefined) {
    out.truncate(start);
    return { enc: "any", values: values.slice(0, n) };
  }
  if (h.enc !== "row" && h.enc !== "null" && h.enc !== "any" && nullity.nulls === n && nullity.undefs === 0) {
    out.truncate(start);
    return { enc: "null" };
  }
  return h;
}

function allNull(values: readonly unknown[], n: number): boolean {
  for (let i = 0; i < n; i++) if (values[i] !== null) return false;
  return true;
}

/** Marks a missing value, or says the value fits no typed encoding (undefined → fall back). */
function absent(v: unknown, i: number): boolean {
  if (v === null || v === undefined) {
    nullity.mark(i, v);
    return true;
  }
  return false;
}

function encodeInt32(values: readonly unknown[], n: number, out: SectionWriter): ColumnHeader | undefined {
  const start = out.end;
  const at = out.reserve(n * 4);
  const a = new Int32Array(out.buffer, at, n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // -0 is not an int32 (it would come back as 0).
    if (typeof v === "number" && (v | 0) === v && (v !== 0 || 1 / v > 0)) a[i] = v;
    else if (!absent(v, i)) {
      out.truncate(start);
      nullity.reset(n);
      return undefined;
    }
  }
  return { enc: "i32", at, ...nullity.write(n, out) };
}

function encodeFloat64(values: readonly unknown[], n: number, out: SectionWriter, start: number): ColumnHeader | undefined {
  const at = out.reserve(n * 8);
  const a = new Float64Array(out.buffer, at, n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "number") a[i] = v;
    else if (!absent(v, i)) {
      out.truncate(start);
      nullity.reset(n);
      return undefined;
    }
  }
  return { enc: "f64", at, ...nullity.write(n, out) };
}

/** Integral columns a TypeScript job fills with bigints. */
function encodeBigInt64(values: readonly unknown[], n: number, out: SectionWriter, start: number): ColumnHeader | undefined {
  const at = out.reserve(n * 8);
  const a = new BigInt64Array(out.buffer, at, n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "bigint" && BigInt.asIntN(64, v) === v) a[i] = v;
    else if (!absent(v, i)) {
      out.truncate(start);
      nullity.reset(n);
      return undefined;
    }
  }
  return { enc: "i64", at, ...nullity.write(n, out) };
}

function encodeBoolean(values: readonly unknown[], n: number, out: SectionWriter): ColumnHeader | undefined {
  const at = out.reserve(n);
  const a = new Uint8Array(out.buffer, at, n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === true) a[i] = 1;
    else if (v === false) a[i] = 0;
    else if (!absent(v, i)) return undefined;
  }
  return { enc: "bool", at, ...nullity.write(n, out) };
}

/**
 * A ROW column as its own null bitmap and one column per field. A ROW value is a plain object of its
 * declared fields (sql/rows/rowType.ts); its other own properties do not cross (Nexmark's events as
 * ROW values lose `type`). Any other object (an array, a Date, a class instance) sends the column by clone.
 */
function encodeRow(col: ColumnState, values: readonly unknown[], n: number, out: SectionWriter): ColumnHeader | undefined {
  const fields = col.children.map(() => new Array<unknown>(n));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "object" && v !== null && isPlain(v)) {
      for (let j = 0; j < fields.length; j++) (fields[j] as unknown[])[i] = (v as Record<string, unknown>)[(col.children[j] as ColumnState).name];
    } else if (absent(v, i)) {
      for (let j = 0; j < fields.length; j++) (fields[j] as unknown[])[i] = null;
    } else return undefined;
  }
  if (nullity.nulls === n && nullity.undefs === 0) return { enc: "null" };
  const own = nullity.write(n, out);
  // The children reuse the shared bitmap scratch: this row's bitmaps are already written.
  const children = col.children.map((c, j) => encodeColumn(c, fields[j] as unknown[], n, out));
  return { enc: "row", children, ...own };
}

/** A Date, Map or class instance is not a ROW value the decoder could rebuild as a literal. */
function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Decodes a column into one JS value per row. `dictionaries` is the decoder's state for string columns. */
export function decodeColumn(col: DecoderColumn, h: ColumnHeader, buffer: ArrayBuffer, n: number): unknown[] {
  const out = new Array<unknown>(n);
  switch (h.enc) {
    case "any":
      return h.values;
    case "null":
      return out.fill(null);
    case "dict":
    case "utf8":
      return decodeStrings(col, h, buffer, n, out);
    case "row":
      return decodeRow(col, h, buffer, n, out);
    default:
  }
  const a =
    h.enc === "f64" ? new Float64Array(buffer, h.at, n) : h.enc === "i32" ? new Int32Array(buffer, h.at, n) : h.enc === "i64" ? new BigInt64Array(buffer, h.at, n) : new Uint8Array(buffer, h.at, n);
  if (h.enc === "bool") return decodeBoolean(a as Uint8Array, buffer, n, h, out);
  // One loop per array type keeps each element load monomorphic.
  if (h.nulls === undefined) return h.enc === "f64" ? copyF64(a as Float64Array, n, out) : h.enc === "i32" ? copyI32(a as Int32Array, n, out) : copyI64(a as BigInt64Array, n, out);
  const isNull = nullReader(buffer, n, h);
  for (let i = 0; i < n; i++) out[i] = isNull(i) ? isNull.value(i) : a[i];
  return out;
}

function copyF64(a: Float64Array, n: number, out: unknown[]): unknown[] {
  for (let i = 0; i < n; i++) out[i] = a[i];
  return out;
}

function copyI32(a: Int32Array, n: number, out: unknown[]): unknown[] {
  for (let i = 0; i < n; i++) out[i] = a[i];
  return out;
}

function copyI64(a: BigInt64Array, n: number, out: unknown[]): unknown[] {
  for (let i = 0; i < n; i++) out[i] = a[i];
  return out;
}

function decodeBoolean(a: Uint8Array, buffer: ArrayBuffer, n: number, h: NullHeader, out: unknown[]): unknown[] {
  const isNull = nullReader(buffer, n, h);
  for (let i = 0; i < n; i++) out[i] = h.nulls !== undefined && isNull(i) ? isNull.value(i) : a[i] === 1;
  return out;
}

/** The decoder's side of a field: its string dictionary and, for a ROW, how to build the object. */
export interface DecoderColumn {
  readonly name: string;
  readonly dictionary: string[];
  readonly children: DecoderColumn[];
  /** ROW only: `(fields, i) => ({ a: fields[0][i], … })`, generated once (one object shape). */
  readonly build?: (fields: unknown[][], i: number) => unknown;
}

export function decoderColumn(name: string, type: SqlType, objectBuilder: (names: string[]) => (fields: unknown[][], i: number) => unknown): DecoderColumn {
  const children = type.name === "ROW" ? (type.fields ?? []).map((f) => decoderColumn(f.name, f.type, objectBuilder)) : [];
  return { name, dictionary: [], children, ...(type.name === "ROW" ? { build: objectBuilder(children.map((c) => c.name)) } : {}) };
}

function decodeRow(col: DecoderColumn, h: Extract<ColumnHeader, { enc: "row" }>, buffer: ArrayBuffer, n: number, out: unknown[]): unknown[] {
  const fields = col.children.map((c, j) => decodeColumn(c, h.children[j] as ColumnHeader, buffer, n));
  const build = col.build as (fields: unknown[][], i: number) => unknown;
  const isNull = nullReader(buffer, n, h);
  for (let i = 0; i < n; i++) out[i] = isNull(i) ? isNull.value(i) : build(fields, i);
  return out;
}
