/**
 * The module a parallel TypeScript job is declared in, as a URL every worker thread can import. A
 * `.ts` file beside the notebook is compiled once (TypeScript's `transpileModule`, types erased, no
 * type check: the kernel checks cells, not this file) into a `.mjs` under the temp directory named by
 * its content's hash, with an inline source map to the `.ts` (errors name its lines: moduleStack.ts),
 * so workers import plain JavaScript on any Node (20 has no type stripping) and an edited file is a new module rather than the cached old one. Its `import … from "sluice"` is pointed
 * at this engine's index, so the module and the kernel share classes on the main thread and a worker
 * loads the same engine files wherever the temp directory is.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire, type SourceMapPayload } from "node:module";
import type * as TypeScript from "typescript";
import { ApiUsageError } from "../../errors/errors.js";
import { COMPILED_MODULES_DIR, inlineSourceMap } from "./moduleStack.js";

const ENGINE_INDEX = new URL("../../index.js", import.meta.url).href;
const TYPESCRIPT = /\.(c|m)?tsx?$/;
/** `from "sluice"`, `import "sluice"` and `import("sluice")` in the compiled JavaScript. */
const SLUICE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(["'])sluice\2/g;

/** A file URL of JavaScript that workers can import: `module` as is, or compiled if TypeScript. Relative paths resolve against `base` (the kernel's working directory: the notebook's folder). */
export function jobModuleUrl(module: string | URL, base = process.cwd()): string {
  const path = module instanceof URL || module.startsWith("file:") ? fileURLToPath(module) : isAbsolute(module) ? module : resolve(base, module);
  if (!TYPESCRIPT.test(path)) return pathToFileURL(path).href;
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    throw new ApiUsageError(`cannot read the job module ${path}: ${(error as Error).message}`);
  }
  const ts = typescript();
  const compiled = ts.transpileModule(source, {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, sourceMap: true },
  });
  // The map names the .ts file itself: an error's frames are mapped to it (moduleStack.ts).
  const map = { ...(JSON.parse(compiled.sourceMapText!) as SourceMapPayload), sources: [pathToFileURL(path).href], sourceRoot: "" };
  const code = compiled.outputText.replace(/\/\/# sourceMappingURL=.*\s*$/, "").replace(SLUICE_SPECIFIER, (_, lead: string, quote: string) => `${lead}${quote}${ENGINE_INDEX}${quote}`);
  const text = `${code}\n${inlineSourceMap(map)}\n`;
  const dir = join(tmpdir(), COMPILED_MODULES_DIR);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${createHash("sha256").update(path).update("\0").update(text).digest("hex").slice(0, 16)}.mjs`);
  writeFileSync(out, text);
  return pathToFileURL(out).href;
}

/**
 * TypeScript, loaded only when a `.ts` module is given: it is a development dependency of this package,
 * so an installed engine without it still runs every other job (and `.js`/`.mjs` job modules).
 */
function typescript(): typeof TypeScript {
  try {
    return createRequire(import.meta.url)("typescript") as typeof TypeScript;
  } catch (error) {
    throw new ApiUsageError(
      `a .ts job module is compiled with the \`typescript\` package, which is not installed here (${(error as Error).message.split("\n")[0]}): npm install typescript, or give the module as .js/.mjs`,
    );
  }
}
