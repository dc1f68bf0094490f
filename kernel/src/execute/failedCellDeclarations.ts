import { tslabTypeScript as ts } from "./tslabTypeScript.js";

type TS = typeof import("typescript");

/**
 * The declarations later cells are compiled against, after a cell that threw at run time.
 *
 * tslab only adopts a cell's declarations when it ran to the end, so after
 * `const job = env.execute(...); await job.wait()` failed, `job` was "Cannot find name" in the next
 * cell although the job runs and the value is there. Python keeps what a failed cell assigned;
 * so do we: the failed cell's declarations (`declOutput`, which includes every earlier cell's) minus
 * the values it declared but never reached. tslab defines all of a cell's names up front as
 * `undefined`, so "reached" means: the value is no longer undefined. Types and interfaces are kept.
 *
 * @param declOutput tslab's declarations after the failed cell
 * @param before the declarations that were in force before it
 * @param locals tslab's runtime values (its `exports`)
 */
export function declarationsAfterFailure(declOutput: string, before: string, locals: Record<string, unknown>): string {
  const t = ts();
  const earlier = new Set(runtimeNames(t, t.createSourceFile("before.d.ts", before, t.ScriptTarget.Latest, true)).flatMap((d) => d.names));
  const file = t.createSourceFile("after.d.ts", declOutput, t.ScriptTarget.Latest, true);
  const reached = (name: string) => earlier.has(name) || locals[name] !== undefined;
  let out = declOutput;
  // Cut from the end so earlier positions stay valid.
  for (const { names, start, end } of runtimeNames(t, file).reverse()) {
    if (!names.some(reached)) out = out.slice(0, start) + out.slice(end);
  }
  return out;
}

interface RuntimeDeclaration {
  names: string[];
  start: number;
  end: number;
}

/** Top-level declarations that have a value at run time (not types), with the names they bind. */
function runtimeNames(t: TS, file: import("typescript").SourceFile): RuntimeDeclaration[] {
  const out: RuntimeDeclaration[] = [];
  for (const s of file.statements) {
    let names: string[] = [];
    if (t.isVariableStatement(s)) names = s.declarationList.declarations.flatMap((d) => bindingNames(t, d.name));
    else if ((t.isFunctionDeclaration(s) || t.isClassDeclaration(s) || t.isEnumDeclaration(s)) && s.name) names = [s.name.text];
    if (names.length > 0) out.push({ names, start: s.getFullStart(), end: s.getEnd() });
  }
  return out;
}

function bindingNames(t: TS, name: import("typescript").BindingName): string[] {
  if (t.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (t.isOmittedExpression(e) ? [] : bindingNames(t, e.name)));
}
