/**
 * Type-checks every ```ts block of README.md and engine/README.md as notebook cells (part of
 * `npm run check`): each block sees what a cell sees (the kernel's own prelude: every export of
 * the engine and the cell API) and the top-level declarations of the blocks above it in the same
 * file, as cells run in order. Run after the build: `node dist/test/support/checkReadmeExamples.js`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BindingName, CompilerOptions } from "typescript";
import { preludeSource } from "../../kernel/src/execute/prelude.js";
import { tslabTypeScript } from "../../kernel/src/execute/tslabTypeScript.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const out = join(root, "dist", "readme-examples");
const FILES = ["README.md", "engine/README.md"];
// The TypeScript tslab compiles cells with, not the project's: the blocks are read as cells are.
const ts = tslabTypeScript();

interface Cell {
  markdown: string;
  /** 1-based line in the markdown of the block's first code line. */
  line: number;
  code: string;
  file: string;
  /** Lines written before the block's code in `file`. */
  headerLines: number;
}

function blocks(markdown: string): { line: number; code: string }[] {
  const lines = readFileSync(join(root, markdown), "utf8").split("\n");
  const found: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```ts") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== "```") end++;
    found.push({ line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return found;
}

/** Names a block declares at top level (the ones later blocks may use) and names it imports itself. */
function topLevelNames(code: string): { declared: string[]; imported: string[] } {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false);
  const names: string[] = [];
  const imported: string[] = [];
  const bind = (name: BindingName): void => {
    if (ts.isIdentifier(name)) names.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const st of file.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    else if (ts.isImportDeclaration(st) && st.importClause) {
      const { name, namedBindings } = st.importClause;
      if (name) imported.push(name.text);
      if (namedBindings && ts.isNamespaceImport(namedBindings)) imported.push(namedBindings.name.text);
      else if (namedBindings) for (const el of namedBindings.elements) imported.push(el.name.text);
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name)
      names.push(st.name.text);
  }
  return { declared: names, imported };
}

const prelude = await preludeSource();
rmSync(out, { recursive: true, force: true });
const cells: Cell[] = [];
for (const markdown of FILES) {
  const dir = join(out, markdown.replace(/[/.]/g, "_"));
  mkdirSync(dir, { recursive: true });
  const earlier = new Map<string, string>(); // name → module of the latest block declaring it
  blocks(markdown).forEach((b, i) => {
    const { declared, imported } = topLevelNames(b.code);
    const own = new Set([...declared, ...imported]);
    // A block that declares or imports a prelude name shadows it, as a cell does.
    const header = prelude
      .split("\n")
      .map((l) =>
        l.replace(
          /import \{ ([^}]*) \}/,
          (_, names: string) =>
            `import { ${names
              .split(", ")
              .filter((n) => !own.has(n) && !earlier.has(n))
              .join(", ")} }`,
        ),
      )
      .filter((l) => !l.startsWith("import {  }"));
    const byModule = new Map<string, string[]>();
    for (const [name, module] of earlier) if (!own.has(name)) byModule.set(module, [...(byModule.get(module) ?? []), name]);
    for (const [module, names] of byModule) header.push(`import { ${names.join(", ")} } from "./${module}.js";`);
    const module = `block${String(i + 1).padStart(2, "0")}`;
    const file = join(dir, `${module}.ts`);
    writeFileSync(file, `${header.join("\n")}\n${b.code}\nexport { ${declared.join(", ")} };\n`);
    cells.push({ markdown, line: b.line, code: b.code, file, headerLines: header.length });
    for (const name of declared) earlier.set(name, module);
  });
}

const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(d.messageText) });
if (!config) throw new Error("cannot read tsconfig.json");
// Cells may leave a name unused; everything else is as strict as the project.
const options: CompilerOptions = { ...config.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false, incremental: false, declaration: false, composite: false };
delete options.tsBuildInfoFile;
const program = ts.createProgram(
  cells.map((c) => c.file),
  options,
);
const byFile = new Map(cells.map((c) => [c.file, c]));
const failed = new Set<Cell>();
for (const d of ts.getPreEmitDiagnostics(program)) {
  const cell = d.file ? byFile.get(d.file.fileName) : undefined;
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!cell || !d.file || d.start === undefined) {
    console.error(`error: ${d.file ? `${d.file.fileName}:${d.start === undefined ? "" : d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : ""}${text}`);
    process.exitCode = 1;
    continue;
  }
  failed.add(cell);
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  console.error(`${cell.markdown}:${cell.line + line - cell.headerLines}:${character + 1}: TS${d.code}: ${text}`);
}
console.log(`README examples: ${cells.length - failed.size} of ${cells.length} type-check (${FILES.join(", ")}; cells in ${relative(root, out)})`);
if (failed.size) process.exitCode = 1;
