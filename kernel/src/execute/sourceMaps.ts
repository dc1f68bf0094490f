import { SourceMap } from "node:module";
import { sourceContext } from "./sourceContext.js";
import type { Rewritten } from "./interruptibleAsync.js";

/** The source of one executed cell and the two maps from its running code back to it. */
interface CellSource {
  source: string;
  executionCount: number;
  toEsm: SourceMap;
  toTs: SourceMap;
  /** the running code's map to tslab's CommonJS when its async code was rewritten (interruptibleAsync) */
  toCjs: { map: SourceMap | undefined; linesBefore: number; inputLinesBefore: number } | undefined;
  /** characters tslab's wrapper puts before the code on line 1 */
  prefix: number;
  /** lines that hold the cell's compiled code; only ours and tslab's wrapper call come after */
  codeLines: number;
}

export interface CellPosition {
  executionCount: number;
  /** 1-based, in the cell as the user typed it */
  line: number;
  column: number;
  sourceLine: string;
}

/** tslab runs the CommonJS code as `(function(exports, require) { <code>` on one line. */
const WRAPPER_PREFIX = "(function(exports, require) { ".length;
const ASYNC_WRAPPER_PREFIX = "(async function(exports, require) { ".length;
/** tslab's converter compiles `export {};\n` + the cell, so its map is one line off the cell. */
const CONVERTER_PREFIX_LINES = 1;

/**
 * Remembers every executed cell under a script name (`cell-<n>.ts`) so stack frames such as
 * `cell-3.ts:7:12` can be reported as line 5 of the cell as typed.
 */
export class SourceMapRegistry {
  private transpiles = new Map<string, { esmToTs: string; cjsToEsm: string }>();
  private cells = new Map<string, CellSource>();
  private seq = 0;

  noteTranspile(cjs: string, esmToTs: string, cjsToEsm: string): void {
    this.transpiles.set(cjs, { esmToTs, cjsToEsm });
  }

  /**
   * Called with tslab's final CommonJS for a cell (and what it became when its async code was
   * rewritten): returns the code to run, with a sourceURL naming the cell, and registers its maps.
   * Unknown code (no map seen) is returned unchanged.
   */
  register(cjs: string, source: string, executionCount: number, topLevelAwait: boolean, rewritten?: Rewritten): string {
    const maps = this.transpiles.get(cjs);
    this.transpiles.clear();
    const code = rewritten?.code ?? cjs;
    if (!maps) return code;
    const name = `cell-${executionCount}-${++this.seq}.ts`;
    this.cells.set(name, {
      source,
      executionCount,
      toEsm: new SourceMap(JSON.parse(maps.cjsToEsm)),
      toTs: new SourceMap(JSON.parse(maps.esmToTs)),
      toCjs: rewritten && {
        map: rewritten.map === undefined ? undefined : new SourceMap(JSON.parse(rewritten.map)),
        linesBefore: rewritten.linesBefore,
        inputLinesBefore: rewritten.inputLinesBefore,
      },
      prefix: topLevelAwait ? ASYNC_WRAPPER_PREFIX : WRAPPER_PREFIX,
      // After the cell's code come only our own lines (and tslab's wrapper call).
      codeLines: rewritten ? rewritten.linesBefore + rewritten.bodyLines : code.split("\n").length + 1,
    });
    return `${code}\n//# sourceURL=${name}`;
  }

  /** The frame of tslab's `(function(exports, require) {...})(...)` call itself: noise to a user. */
  isWrapperCall(script: string, line: number): boolean {
    const cell = this.cells.get(script);
    return cell !== undefined && line > cell.codeLines;
  }

  /** Source lines around a position of a registered cell. */
  context(script: string, line: number, column: number): string[] {
    const cell = this.cells.get(script);
    return cell ? sourceContext(cell.source, line, column) : [];
  }

  /** Maps a position in a running cell (1-based line/column, as V8 reports) to the cell source. */
  resolve(script: string, line: number, column: number): CellPosition | undefined {
    const cell = this.cells.get(script);
    if (!cell) return undefined;
    let line0 = line - 1;
    let col0 = column - 1;
    if (cell.toCjs) {
      // Our rewrite's lines come first; tslab's wrapper prefix is on a line of ours.
      const { map, linesBefore, inputLinesBefore } = cell.toCjs;
      if (line0 < linesBefore) return undefined;
      if (map) {
        const cjs = map.findEntry(line0 - linesBefore, col0);
        if (!("originalLine" in cjs) || cjs.originalLine < inputLinesBefore) return undefined;
        line0 = cjs.originalLine - inputLinesBefore;
        col0 = cjs.originalColumn;
      } else line0 -= linesBefore;
    } else if (line0 === 0) col0 -= cell.prefix;
    const esm = cell.toEsm.findEntry(line0, Math.max(0, col0));
    if (!("originalLine" in esm)) return undefined;
    const ts = cell.toTs.findEntry(esm.originalLine, esm.originalColumn);
    if (!("originalLine" in ts)) return undefined;
    const cellLine0 = ts.originalLine - CONVERTER_PREFIX_LINES;
    return {
      executionCount: cell.executionCount,
      line: cellLine0 + 1,
      column: ts.originalColumn + 1,
      sourceLine: cell.source.split("\n")[cellLine0] ?? "",
    };
  }
}
