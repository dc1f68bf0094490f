import { tslabTypeScript as ts } from "./tslabTypeScript.js";

/** First characters after which TypeScript, in a script, reads `await` as the keyword. */
const KEYWORD_READING = /[\p{L}\p{N}_$"'`]/u;

/**
 * tslab compiles a cell as a script, where `await` at the top level is an identifier unless the
 * next token is a name or a literal. So `await (x as any).cancel()` or `await (await fetch(u)).json()`
 * became a call of a function named `await` and failed with "await is only valid in async
 * functions". Parsed as a module, those are await expressions: for each such top-level one whose
 * operand starts with another token (`(`, `[`, `-`, ...), the operand is wrapped in
 * `Promise.resolve(...)`, which awaits to the same value. The rewrite only adds text within lines,
 * so line numbers (and source maps) are unchanged.
 */
export function disambiguateTopLevelAwait(source: string): string {
  if (!/\bawait\s*[^\s\p{L}\p{N}_$"'`]/u.test(source)) return source;
  const t = ts();
  // The trailing export makes the parser treat top-level `await` as the keyword, as a module does.
  const file = t.createSourceFile("cell.ts", `${source}\nexport {};`, t.ScriptTarget.Latest, true, t.ScriptKind.TS);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: import("typescript").Node): void => {
    if (t.isFunctionLike(node) || t.isClassLike(node) || t.isModuleDeclaration(node)) return; // their awaits are not top-level
    if (t.isAwaitExpression(node)) {
      const operand = node.expression;
      const start = operand.getStart(file);
      if (!KEYWORD_READING.test(source.charAt(start))) {
        inserts.push({ at: start, text: "Promise.resolve(" }, { at: operand.end, text: ")" });
      }
    }
    t.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  // Same position: the ")" of an inner operand goes before the "Promise.resolve(" of an outer one.
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at || (a.text === ")" ? -1 : 1))) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
