/** CSV (RFC 4180): quoted fields may contain delimiters, doubled quotes and newlines. */

/** Whether `text` ends inside a quoted field, i.e. the record continues on the next line. */
export function hasOpenQuote(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) open = !open;
  return open;
}

/** Splits one record into fields. Throws a plain Error with the reason for malformed input. */
export function parseCsvRecord(text: string, delimiter = ","): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error("unterminated quoted field");
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < n && text[i] !== delimiter) throw new Error(`unexpected character after closing quote at column ${i + 1}`);
      fields.push(value);
    } else {
      const d = text.indexOf(delimiter, i);
      const end = d < 0 ? n : d;
      const value = text.slice(i, end);
      if (value.includes('"')) throw new Error(`quote inside unquoted field at column ${i + 1}`);
      fields.push(value);
      i = end;
    }
    if (i >= n) return fields;
    i++; // skip delimiter
    if (i === n) {
      fields.push("");
      return fields;
    }
  }
}

export type ColumnType = "string" | "number" | "boolean" | "timestamp";

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Converts a field; throws with the reason when it does not fit the declared type. */
export function convertField(value: string, type: ColumnType | "infer"): unknown {
  switch (type) {
    case "string":
      return value;
    case "number": {
      if (!NUMBER.test(value.trim())) throw new Error(`'${value}' is not a number`);
      return Number(value);
    }
    case "boolean": {
      const v = value.trim().toLowerCase();
      if (v === "true" || v === "1") return true;
      if (v === "false" || v === "0") return false;
      throw new Error(`'${value}' is not a boolean`);
    }
    case "timestamp": {
      const t = NUMBER.test(value.trim()) ? Number(value) : Date.parse(value);
      if (Number.isNaN(t)) throw new Error(`'${value}' is not a timestamp`);
      return t;
    }
    case "infer":
      if (value.length > 0 && NUMBER.test(value)) return Number(value);
      if (value === "true") return true;
      if (value === "false") return false;
      return value;
  }
}

/** Quotes a field for writing when it needs it. */
export function formatCsvField(value: unknown, delimiter = ","): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.includes(delimiter) || text.includes('"') || text.includes("\n") || text.includes("\r") ? `"${text.replaceAll('"', '""')}"` : text;
}
