import { createRequire } from "node:module";
import type * as Converter from "tslab/dist/converter.js";
import type * as Executor from "tslab/dist/executor.js";
import { SourceMapRegistry } from "./sourceMaps.js";
import type { DisplayData } from "../wire/protocol.js";
import { enginePaths } from "./engineImport.js";
import { tslabTypeScript, tslabTypeScriptPath } from "./tslabTypeScript.js";

const require = createRequire(import.meta.url);

export interface Tslab {
  converter: typeof Converter;
  executor: typeof Executor;
  /** tslab's jupyter module: its `display` API writes through `lastWriteDisplayData`. */
  jupyter: { lastWriteDisplayData: ((data: DisplayData, update: boolean) => void) | null };
}

const INLINE_MAP = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const FILE_MAP = /\n?\/\/# sourceMappingURL=\S+\s*$/;

/**
 * Loads tslab's converter and executor unchanged, but hands them a view of tslab's TypeScript
 * in which cells are compiled with source maps. tslab compiles a cell twice (TS -> ES module,
 * then ES module -> CommonJS); we keep both maps so a runtime error can be traced back to the
 * cell's own line and column. Nothing else about tslab's compilation changes.
 */
export function loadTslab(maps: SourceMapRegistry): Tslab {
  const tsPath = tslabTypeScriptPath();
  const ts = tslabTypeScript();
  const view = new Proxy(ts, {
    get(target, prop, receiver) {
      if (prop === "createWatchCompilerHost") {
        return (files: string[], options: import("typescript").CompilerOptions, ...rest: unknown[]) =>
          (target.createWatchCompilerHost as (...a: unknown[]) => unknown)(files, { ...options, inlineSourceMap: true, paths: { ...options.paths, ...enginePaths() } }, ...rest);
      }
      if (prop === "transpileModule") {
        return (input: string, opts: import("typescript").TranspileOptions) => {
          const m = INLINE_MAP.exec(input);
          if (!m || opts.fileName !== "custom.js") return target.transpileModule(input, opts);
          const out = target.transpileModule(input.slice(0, m.index), {
            ...opts,
            compilerOptions: { ...opts.compilerOptions, sourceMap: true },
          });
          const outputText = out.outputText.replace(FILE_MAP, "\n");
          maps.noteTranspile(outputText, Buffer.from(m[1] ?? "", "base64").toString("utf8"), out.sourceMapText ?? "");
          return { ...out, outputText };
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  require.cache[tsPath] = { id: tsPath, filename: tsPath, loaded: true, exports: view } as unknown as NodeJS.Module;
  return {
    converter: require("tslab/dist/converter.js") as typeof Converter,
    executor: require("tslab/dist/executor.js") as typeof Executor,
    jupyter: require("tslab/dist/jupyter.js") as Tslab["jupyter"],
  };
}
