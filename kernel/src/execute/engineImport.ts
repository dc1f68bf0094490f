import { fileURLToPath } from "node:url";

/**
 * `import { … } from "sluice"` in a cell is the kernel's own engine: its declarations for type
 * checking and, at run time, the module the kernel imported and the prelude pre-imports, whatever
 * node_modules the notebook's folder has (or none). So a cell that imports explicitly, as a Node
 * program would, still shares the kernel's one engine instance (jobs, shared database, classes).
 * Only the cell-facing index: the host interface ("sluice/host") is the kernel's.
 */
export const ENGINE_SPECIFIER = "sluice";
export const ENGINE_INDEX = fileURLToPath(new URL("../../../engine/src/index.js", import.meta.url));

/** Compiler `paths` for tslab's converter: "sluice" resolves to the engine's declarations. */
export function enginePaths(): Record<string, string[]> {
  return { [ENGINE_SPECIFIER]: [ENGINE_INDEX] };
}

type Require = (id: string) => unknown;

/**
 * Wraps the require() that tslab hands compiled cells (`__tslab__.require`) so "sluice" loads the
 * engine by its file path: Node's require() of that ES module returns the instance the kernel has.
 */
export function routeEngineImports(): void {
  const tslab = (globalThis as { __tslab__?: { require: Require } }).__tslab__;
  if (!tslab) throw new Error('tslab\'s executor has not set globalThis.__tslab__; cannot route imports of "sluice"');
  const inner = tslab.require;
  tslab.require = new Proxy(inner, {
    apply: (target, thisArg, args: unknown[]) => (args.length === 1 && args[0] === ENGINE_SPECIFIER ? target(ENGINE_INDEX) : Reflect.apply(target, thisArg, args)),
  });
}
