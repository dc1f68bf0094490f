import { tslabTypeScript as ts } from "./tslabTypeScript.js";

/**
 * Spells out shorthand properties (`{ a }` becomes `{ a: a }`). tslab rewrites references to
 * earlier cells' variables as `exports.a`, but misses the shorthand form, so `({ a })` in a later
 * cell threw "a is not defined". The rewrite only adds text within lines, so line numbers (and
 * source maps) are unchanged.
 */
export function expandShorthandProperties(source: string): string {
  if (!/[{,]\s*[A-Za-z_$][\w$]*\s*[,}=]/.test(source)) return source;
  const t = ts();
  const file = t.createSourceFile("cell.ts", source, t.ScriptTarget.Latest, true, t.ScriptKind.TS);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: import("typescript").Node): void => {
    if (t.isShorthandPropertyAssignment(node)) inserts.push({ at: node.name.end, text: `: ${node.name.text}` });
    t.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
