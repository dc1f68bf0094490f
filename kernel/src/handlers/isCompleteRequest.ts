import type { Handler } from "../session/services.js";
import type { Completeness } from "../execute/cellRunner.js";
import { pagerRequest } from "../execute/pager.js";

export const is_complete_request: Handler<"is_complete_request"> = async ({ msg, services }) => {
  const { code } = msg.content;
  return { content: { ...completeness(code, (ts) => services.runner.isComplete(ts)) } };
};

/**
 * Whether a console should run the cell now, as ipykernel decides it (IPython's
 * TransformerManager.check_complete): a cell magic is complete once a blank line ends it (its body
 * is the magic's, not parsed); a line magic and a `name?` help request are complete; only
 * TypeScript goes to the TypeScript parser.
 */
export function completeness(code: string, typescript: (code: string) => Completeness): Completeness {
  if (code.trim() === "") return { status: "complete" };
  if (code.startsWith("%%")) {
    const lines = code.split("\n");
    if (code.endsWith("\n")) lines.pop();
    const last = lines.at(-1) ?? "";
    return last.trim() === "" && lines.length > 1 ? { status: "complete" } : { status: "incomplete", indent: /^[ \t]*/.exec(last)?.[0] ?? "" };
  }
  if (/^%[A-Za-z_][\w-]*(?:[ \t][^\n]*)?\s*$/.test(code)) return { status: "complete" };
  if (pagerRequest(code) !== undefined) return { status: "complete" };
  return typescript(code);
}
