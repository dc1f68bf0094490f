import { ParameterError } from "./errors.js";

/**
 * Report parameters, papermill style. `-p key=value` values are typed by their text:
 *
 *   true / false                      boolean   const key: boolean = true;
 *   a JSON number (42, -1.5, 1e3)     number    const key: number = 42;
 *   JSON starting with { [ " or null  that JSON const key = {"a": 1};   (TypeScript infers it)
 *   anything else                     string    const key: string = "anything else";
 *
 * `-r key=value` (raw) always gives a string. Scalars are declared with a widened type so that
 * code written against the notebook's default (`const mode = "fast"` followed by
 * `mode === "slow"`) still type-checks after injection.
 */
export type ParameterValue = number | boolean | string | null | ParameterValue[] | { [key: string]: ParameterValue };

export interface Parameter {
  name: string;
  value: ParameterValue;
}

// TypeScript's reserved words cannot be declared with `const`.
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "implements interface let package private protected public static yield await"
  ).split(" "),
);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export function checkName(name: string): void {
  if (!IDENTIFIER.test(name) || RESERVED.has(name)) {
    throw new ParameterError(`parameter name "${name}" is not a TypeScript identifier`, { parameter: name });
  }
}

/** Splits `key=value` at the first `=`. */
function split(assignment: string): [string, string] {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new ParameterError(`expected key=value, got "${assignment}"`, { parameter: assignment });
  return [assignment.slice(0, eq), assignment.slice(eq + 1)];
}

/** Types a `-p` value by its text (see the table above). */
export function inferValue(text: string, name = ""): ParameterValue {
  if (text === "true") return true;
  if (text === "false") return false;
  if (JSON_NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  if (text === "null" || /^[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as ParameterValue;
    } catch (e) {
      throw new ParameterError(`parameter ${name}: ${text} looks like JSON but does not parse (${(e as Error).message}); use -r ${name}=... for a plain string`, { parameter: name });
    }
  }
  return text;
}

// Python's int() and float() syntax, which papermill's `-p NAME VALUE` uses to type a value.
const PY_INT = /^\s*[+-]?\d+(_\d+)*\s*$/;
const PY_DIGITS = String.raw`\d+(?:_\d+)*`;
const PY_FLOAT = new RegExp(String.raw`^\s*[+-]?(?:(?:${PY_DIGITS}(?:\.(?:${PY_DIGITS})?)?|\.${PY_DIGITS})(?:[eE][+-]?${PY_DIGITS})?|inf(?:inity)?|nan)\s*$`, "i");

/**
 * papermill's typing of `-p NAME VALUE` (its cli `_resolve_type`): True / False / None, then
 * whatever Python's int() or float() accepts, else the string.
 */
export function resolvePapermillValue(text: string): ParameterValue {
  if (text === "True") return true;
  if (text === "False") return false;
  if (text === "None") return null;
  if (PY_INT.test(text)) return Number(text.replace(/_/g, ""));
  if (PY_FLOAT.test(text)) {
    const t = text
      .trim()
      .replace(/_/g, "")
      .toLowerCase()
      .replace(/^([+-]?)inf(inity)?$/, "$1Infinity");
    return /nan$/.test(t) ? NaN : Number(t);
  }
  return text;
}

/** papermill's `-p NAME VALUE`. */
export function papermillParameter(name: string, text: string): Parameter {
  checkName(name);
  return { name, value: resolvePapermillValue(text) };
}

/** papermill's `-r NAME VALUE`: always a string. */
export function papermillRawParameter(name: string, text: string): Parameter {
  checkName(name);
  return { name, value: text };
}

/** A parameter from a YAML mapping (-f, -y): the name is checked, the value kept. */
export function namedParameter(name: string, value: ParameterValue): Parameter {
  checkName(name);
  return { name, value };
}

/** `-p key=value`: the value typed by its text. */
export function parseParameter(assignment: string): Parameter {
  const [name, text] = split(assignment);
  checkName(name);
  return { name, value: inferValue(text, name) };
}

/** `-r key=value`: the value kept as a string. */
export function parseRawParameter(assignment: string): Parameter {
  const [name, text] = split(assignment);
  checkName(name);
  return { name, value: text };
}

/** One `const` declaration; JSON.stringify gives valid TypeScript literals for every value. */
export function declaration({ name, value }: Parameter): string {
  checkName(name);
  const literal = JSON.stringify(value);
  switch (typeof value) {
    case "number":
      // JSON has no Infinity or NaN (stringify writes null); TypeScript does.
      if (!Number.isFinite(value)) return `const ${name}: number = ${String(value)};`;
      return `const ${name}: number = ${literal};`;
    case "boolean":
    case "string":
      return `const ${name}: ${typeof value} = ${literal};`;
    default:
      // null: `any`, since a null default usually stands for "some object, or none".
      return value === null ? `const ${name}: any = null;` : `const ${name} = ${literal};`;
  }
}

/** The source of the injected cell. Later parameters with the same name win, as on a command line. */
export function injectedSource(parameters: readonly Parameter[]): string {
  const last = new Map<string, Parameter>();
  for (const p of parameters) last.set(p.name, p);
  return ["// Parameters injected by `sluice report`", ...[...last.values()].map(declaration)].join("\n");
}
