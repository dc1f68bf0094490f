/** A `%%name args` cell magic (body = the rest of the cell) or a one-line `%name args` cell. */
export interface MagicCall {
  name: string;
  kind: "cell" | "line";
  args: string;
  body: string;
  /** 1-based line of the cell on which `body` starts, to report errors at the cell's own lines. */
  bodyLine: number;
}

export function parseMagic(code: string): MagicCall | undefined {
  const cell = /^%%([A-Za-z_][\w-]*)[ \t]*([^\n]*)(?:\n([\s\S]*))?$/.exec(code);
  if (cell) return { name: cell[1] ?? "", kind: "cell", args: (cell[2] ?? "").trim(), body: cell[3] ?? "", bodyLine: 2 };
  const line = /^%([A-Za-z_][\w-]*)[ \t]*([^\n]*)\s*$/.exec(code);
  if (line) return { name: line[1] ?? "", kind: "line", args: (line[2] ?? "").trim(), body: "", bodyLine: 1 };
  return undefined;
}
