import { convertField, hasOpenQuote, parseCsvRecord, type ColumnType } from "./csv.js";
import type { Line } from "./LineReader.js";

/** A line could not become a record; `reason` is user-facing. */
export class DecodeFailure {
  constructor(
    readonly reason: string,
    readonly raw: string,
    readonly line: Line,
  ) {}
}

/** Turns lines into records. Stateful (CSV headers, quoted fields spanning lines); state is part of the source position. */
export interface LineDecoder<T> {
  /** Returns the record, undefined when the line yields none (header, blank line, continued record), or a failure. */
  decode(line: Line): T | undefined | DecodeFailure;
  /** End of a bounded input: a record still open is a failure. */
  finish(): DecodeFailure | undefined;
  state(): unknown;
  restore(state: unknown): void;
}

export interface JsonLinesOptions<T> {
  /** Validates/converts each parsed object; throw to reject the record (it becomes a dead letter). */
  parse?: (value: unknown) => T;
}

export function jsonLinesDecoder<T>(options: JsonLinesOptions<T>): LineDecoder<T> {
  return {
    decode(line) {
      if (line.text.trim().length === 0) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch (error) {
        return new DecodeFailure(`invalid JSON: ${(error as Error).message}`, line.text, line);
      }
      if (options.parse === undefined) return value as T;
      try {
        return options.parse(value);
      } catch (error) {
        return new DecodeFailure(error instanceof Error ? error.message : String(error), line.text, line);
      }
    },
    finish: () => undefined,
    state: () => null,
    restore: () => {},
  };
}

export interface CsvOptions<T> {
  /** First line holds column names. Default true. */
  header?: boolean;
  /** Column names; required when `header` is false, overrides the header otherwise. */
  columns?: string[];
  delimiter?: string;
  /** Per-column types; unlisted columns are inferred (numbers and booleans) unless `inferTypes` is false. */
  types?: Record<string, ColumnType>;
  inferTypes?: boolean;
  /** Final conversion of the row object; throw to reject the record. */
  parse?: (row: Record<string, unknown>) => T;
}

interface CsvState {
  columns: string[] | null;
  carry: { text: string; line: Line } | null;
}

export function csvDecoder<T>(options: CsvOptions<T>): LineDecoder<T> {
  const delimiter = options.delimiter ?? ",";
  const header = options.header ?? true;
  const infer = options.inferTypes ?? true;
  let state: CsvState = { columns: options.columns ?? null, carry: null };
  if (!header && options.columns === undefined) throw new RangeError("CSV without a header needs `columns`");
  return {
    decode(line) {
      let text = line.text;
      let first = line;
      if (state.carry !== null) {
        text = `${state.carry.text}\n${text}`;
        first = state.carry.line;
      }
      if (hasOpenQuote(text)) {
        state.carry = { text, line: first };
        return undefined;
      }
      state.carry = null;
      if (text.trim().length === 0) return undefined;
      let fields: string[];
      try {
        fields = parseCsvRecord(text, delimiter);
      } catch (error) {
        return new DecodeFailure((error as Error).message, text, first);
      }
      // The header is the record starting on line 1, whether or not `columns` overrides its names: a
      // reader restored to a position before it (a checkpoint during the first read) meets it again.
      if (header && first.line === 1) {
        if (options.columns === undefined) state.columns = fields.map((f) => f.trim());
        return undefined;
      }
      const columns = state.columns;
      if (columns === null) return new DecodeFailure("no header line before the first record", text, first);
      if (fields.length !== columns.length) return new DecodeFailure(`expected ${columns.length} fields, got ${fields.length}`, text, first);
      const row: Record<string, unknown> = {};
      try {
        for (let i = 0; i < columns.length; i++) {
          const name = columns[i]!;
          const type = options.types?.[name];
          row[name] = convertField(fields[i]!, type ?? (infer ? "infer" : "string"));
        }
        return options.parse === undefined ? (row as T) : options.parse(row);
      } catch (error) {
        return new DecodeFailure(error instanceof Error ? error.message : String(error), text, first);
      }
    },
    finish() {
      const carry = state.carry;
      state.carry = null;
      return carry === null ? undefined : new DecodeFailure("unterminated quoted field at end of file", carry.text, carry.line);
    },
    state: () => structuredClone(state),
    restore(saved) {
      state = structuredClone(saved as CsvState);
    },
  };
}
