import { fileURLToPath } from "node:url";

/** Modules whose exports every cell sees without importing them. */
export const PRELUDE_MODULES = [
  new URL("../../../engine/src/index.js", import.meta.url),
  new URL("../cell/api.js", import.meta.url),
];

/**
 * The source of the hidden first cell: a named import of every export of the engine and the
 * cell API, by absolute path, so the names are typed in completion and type checking like any
 * import a user writes. tslab keeps these declarations for all later cells.
 */
export async function preludeSource(): Promise<string> {
  const lines: string[] = [];
  const taken = new Set<string>();
  for (const url of PRELUDE_MODULES) {
    const names = Object.keys(await import(url.href)).filter((n) => n !== "default" && !taken.has(n));
    names.forEach((n) => taken.add(n));
    if (names.length) lines.push(`import { ${names.join(", ")} } from ${JSON.stringify(fileURLToPath(url))};`);
  }
  return lines.join("\n");
}
