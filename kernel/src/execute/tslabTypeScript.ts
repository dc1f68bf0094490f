import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let loaded: typeof import("typescript") | undefined;

/** Where tslab's TypeScript lives (tslabLoader swaps in a view of it through the require cache). */
export const tslabTypeScriptPath = (): string => require.resolve("@tslab/typescript-for-tslab", { paths: [require.resolve("tslab")] });

/**
 * The TypeScript that tslab compiles cells with: its own pinned copy, not the project's. Everything
 * that parses cell code must use this one, so it reads cells exactly as tslab will.
 */
export function tslabTypeScript(): typeof import("typescript") {
  return (loaded ??= require(tslabTypeScriptPath()) as typeof import("typescript"));
}
