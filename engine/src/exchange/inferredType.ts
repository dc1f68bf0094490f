/**
 * The record type of an edge that declared none (a TypeScript job's objects and tuples, a SQL
 * changelog's `Change`s), inferred from the records that cross it, so they cross as columns too. A
 * module-defined job's records are mostly of one shape (what one `map` returns), and structured clone
 * costs ~1 µs per record, more than most operators. The codec must give back exactly what a clone
 * would, so a batch crosses as columns only when every record is a plain object with the same own
 * keys in the same order, an array of one width without holes, or a bare number, string or boolean
 * (all of one `typeof`: what `map(b => b.auction)` before a `keyBy` sends) — anything else (a Date,
 * a Map, a class instance, another key list, a null among values) crosses by clone. Field values need no check here: the columnar
 * codec sends a column whose values do not fit its type by clone (columns.ts), so the types inferred
 * from the first batch only choose the fast encodings.
 */
import type { SqlType } from "../sql/types.js";
import type { RecordSchema } from "./BatchCodec.js";
import { generated } from "./generatedCode.js";

/** The shape every record of a batch must have for the batch to cross as columns of `schema`. */
export interface InferredType {
  readonly schema: RecordSchema;
  /** Whether every record of `values` has this shape. */
  readonly fits: (values: readonly unknown[]) => boolean;
}

/** Wider shapes are left to structured clone (a column per field would cost more than it saves). */
const MAX_FIELDS = 64;

/** number and bigint: integral (Int32, else Float64, else BigInt64, chosen per batch); a field of other values: cloned per batch. */
function typeOf(v: unknown): SqlType {
  switch (typeof v) {
    case "number":
    case "bigint":
      return { name: "BIGINT" };
    case "string":
      return { name: "STRING" };
    case "boolean":
      return { name: "BOOLEAN" };
    default:
      return { name: "NULL" };
  }
}

function isPlainObject(r: unknown): r is Record<string, unknown> {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return false;
  const proto = Object.getPrototypeOf(r);
  return proto === Object.prototype || proto === null;
}

/**
 * Generated per key list (as the codec's extractors are). The keys are walked with `for…in`, which V8
 * serves from the shape's enumeration cache: `Object.keys` made an array per record, the largest part of
 * this check on a q7 bid. `for…in` also lists enumerable keys a prototype inherits, which only `null` and
 * `Object.prototype` can be here: one added to `Object.prototype` makes the batch cross by clone (a clone
 * drops it as the columns would): the same records either way.
 */
function objectFits(names: readonly string[]): (values: readonly unknown[]) => boolean {
  const check = generated<(values: readonly unknown[], objectPrototype: object, names: readonly string[]) => boolean>(
    ["values", "OP", "names"],
    `"use strict"; for (let i = 0; i < values.length; i++) { const r = values[i]; if (typeof r !== "object" || r === null || Array.isArray(r)) return false; const p = Object.getPrototypeOf(r); if (p !== OP && p !== null) return false; let j = 0; for (const k in r) { if (k !== names[j]) return false; j++; } if (j !== ${names.length}) return false; } return true;`,
  );
  const own = [...names];
  return (values) => check(values, Object.prototype, own);
}

function arrayFits(width: number): (values: readonly unknown[]) => boolean {
  return (values) => {
    for (let i = 0; i < values.length; i++) {
      const r = values[i];
      if (!Array.isArray(r) || r.length !== width || Object.getPrototypeOf(r) !== Array.prototype) return false;
      // A hole reads as undefined but a clone keeps it a hole.
      for (let j = 0; j < width; j++) if (r[j] === undefined && !(j in r)) return false;
    }
    return true;
  };
}

/** The one field of a batch of bare values (the codec's `value` shape). */
const VALUE_FIELD = "value";

const BARE = new Set(["number", "bigint", "string", "boolean"]);

/**
 * One loop per kind, each comparing `typeof` with a literal. Against a variable (the kind in a closure, one
 * closure per channel) the comparison was only cheap when TurboFan happened to fold the kind: in one q5
 * profile at p=2 it called the Typeof builtin per value, ~17 ns a value and a quarter of the workers'
 * encoding (bench/nexmark/RESULTS.md "Session 17: modp2").
 */
const VALUE_FITS: Record<string, (values: readonly unknown[]) => boolean> = {
  number: (values) => {
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== "number") return false;
    return true;
  },
  bigint: (values) => {
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== "bigint") return false;
    return true;
  },
  string: (values) => {
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== "string") return false;
    return true;
  },
  boolean: (values) => {
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== "boolean") return false;
    return true;
  },
};

function valueFits(kind: string): (values: readonly unknown[]) => boolean {
  const fits = VALUE_FITS[kind];
  if (fits === undefined) throw new Error(`no bare-value type '${kind}'`);
  return fits;
}

/** The type of the records of `values` (their first record's shape, field types from the first non-null values), or undefined if they have no one shape. */
export function inferRecordType(values: readonly unknown[]): InferredType | undefined {
  const first = values[0];
  if (BARE.has(typeof first)) {
    const fits = valueFits(typeof first);
    return fits(values) ? { schema: { fields: [{ name: VALUE_FIELD, type: typeOf(first) }] }, fits } : undefined;
  }
  let names: string[];
  let fits: (values: readonly unknown[]) => boolean;
  let read: (r: unknown, j: number) => unknown;
  if (isPlainObject(first)) {
    names = Object.keys(first);
    if (names.length === 0 || names.length > MAX_FIELDS) return undefined;
    fits = objectFits(names);
    read = (r, j) => (r as Record<string, unknown>)[names[j] as string];
  } else if (Array.isArray(first)) {
    names = first.map((_, j) => `f${j}`);
    fits = arrayFits(first.length);
    read = (r, j) => (r as unknown[])[j];
  } else return undefined;
  if (names.length === 0 || names.length > MAX_FIELDS || !fits(values)) return undefined;
  const types = names.map((_, j) => {
    for (let i = 0; i < values.length; i++) {
      const v = read(values[i], j);
      if (v !== null && v !== undefined) return typeOf(v);
    }
    return typeOf(null);
  });
  return { schema: { fields: names.map((name, j) => ({ name, type: types[j] as SqlType })) }, fits };
}
