import type { Handler } from "../session/services.js";
import type { Completion } from "../execute/cellRunner.js";
import { codePointsToIndex, indexToCodePoints } from "../execute/codePoints.js";
import { magicSpellings } from "../magics/registry.js";
import { catalogCompletions } from "../magics/sql/sqlCompletion.js";

export const complete_request: Handler<"complete_request"> = async ({ msg, services }) => {
  const { code, cursor_pos } = msg.content;
  const cursor = cursor_pos ?? [...code].length;
  const c = (await magicCompletion(code, cursor)) ?? services.runner.complete(code, cursor);
  return { content: { status: "ok", ...c, metadata: {} } };
};

/**
 * Completion where the cell is not TypeScript: a magic's name on the first line (`%jo` → `%jobs`),
 * and in SQL (a `%%sql` cell's body, a `%sql` line's query) names from the DuckDB catalog.
 * Undefined where TypeScript completion applies.
 */
async function magicCompletion(code: string, cursorPos: number): Promise<Completion | undefined> {
  const at = codePointsToIndex(code, cursorPos);
  const before = code.slice(0, at);
  const span = (start: number, matches: string[]): Completion => ({ matches, cursor_start: indexToCodePoints(code, start), cursor_end: cursorPos });
  const name = /^%%?[\w-]*$/.exec(before);
  if (name)
    return span(
      0,
      magicSpellings().filter((m) => m.startsWith(before)),
    );
  const inSql = /^%%sql\b[^\n]*\n/.test(before) || /^%sql[ \t]+(?!open\b|-)[^\n]*$/.test(before);
  if (!inSql) return code.startsWith("%") ? span(at, []) : undefined;
  const word = /[A-Za-z_][\w$]*$/.exec(before)?.[0] ?? "";
  return span(at - word.length, word ? await catalogCompletions(word) : []);
}
