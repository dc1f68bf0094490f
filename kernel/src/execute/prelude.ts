import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { log } from "../log.js";
import { tslabTypeScript } from "./tslabTypeScript.js";
import { ENGINE_INDEX } from "./engineImport.js";

/** Modules whose exports every cell sees without importing them. */
export const PRELUDE_MODULES = [pathToFileURL(ENGINE_INDEX), new URL("../cell/api.js", import.meta.url)];

/**
 * The source of the hidden first cell: a named import of every export of the engine and the
 * cell API, by absolute path, so the names are typed in completion and type checking like any
 * import a user writes. tslab keeps these declarations for all later cells.
 */
export async function preludeSource(): Promise<string> {
  const lines: string[] = [];
  const taken = new Set<string>();
  for (const url of PRELUDE_MODULES) {
    let exported: string[];
    try {
      exported = Object.keys(await import(url.href));
    } catch (e) {
      // A kernel without the engine is still a TypeScript kernel; say why the names are missing.
      log("error", "cannot pre-import module into cells", { module: fileURLToPath(url), error: e instanceof Error ? e.stack : String(e) });
      continue;
    }
    const names = [...new Set([...exported, ...declaredTypeNames(url)])].filter((n) => n !== "default" && !taken.has(n));
    names.forEach((n) => taken.add(n));
    if (names.length) lines.push(`import { ${names.join(", ")} } from ${JSON.stringify(fileURLToPath(url))};`);
  }
  return lines.join("\n");
}

/**
 * Type-only exports (`export type { PageView }`) leave no trace at run time; read them from the
 * module's declaration file so cells can name them too.
 */
function declaredTypeNames(url: URL): string[] {
  const dts = fileURLToPath(url).replace(/\.js$/, ".d.ts");
  let text: string;
  try {
    text = readFileSync(dts, "utf8");
  } catch {
    return [];
  }
  const ts = tslabTypeScript();
  const file = ts.createSourceFile(dts, text, ts.ScriptTarget.Latest, false);
  const names: string[] = [];
  for (const st of file.statements) {
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) names.push(el.name.text);
    } else if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      names.push(st.name.text);
    }
  }
  return names;
}
