import type { Converter, Diagnostic } from "tslab/dist/converter.js";
import type { Executor } from "tslab/dist/executor.js";
import { createRequire } from "node:module";
import { loadTslab, Tslab } from "./tslabLoader.js";
import { SourceMapRegistry } from "./sourceMaps.js";
import { CellError, diagnosticsError, runtimeError, userFrames } from "./traceback.js";
import { codePointsToIndex, indexToCodePoints } from "./codePoints.js";
import { expandShorthandProperties } from "./shorthand.js";
import { disambiguateTopLevelAwait } from "./topLevelAwait.js";
import { declarationsAfterFailure } from "./failedCellDeclarations.js";
import { tslabTypeScript } from "./tslabTypeScript.js";
import type { DisplayData } from "../wire/protocol.js";
import { routeEngineImports } from "./engineImport.js";
import { CellCodeFlag, CellInterruptedError, CellRun, installAsyncHelpers, interruptibleCell, withinCell } from "./interruptibleAsync.js";

/** The kernel's InterruptLine: how many interrupts were requested, and when cell code runs. */
export interface CellInterrupts extends CellCodeFlag {
  requested(): number;
}

export type CellOutcome = { status: "ok"; result?: { value: unknown } } | { status: "error"; error: CellError };

export interface Completion {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
}

export type Completeness = { status: "complete" | "invalid" } | { status: "incomplete"; indent: string };

/** The exact messages tslab/V8 use for the two kinds of interrupt. */
const INTERRUPTED = /Script execution was interrupted by `SIGINT`|Interrupted asynchronously/;
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

const require = createRequire(import.meta.url);

/**
 * Runs TypeScript cells with tslab's converter and executor, and turns what tslab reports
 * through its console callbacks into structured outcomes: a result value, a type error with
 * the cell's line and column, or a runtime error with frames mapped back to the cell.
 */
export class CellRunner {
  private readonly maps = new SourceMapRegistry();
  private readonly tslab: Tslab;
  private readonly converter: Converter;
  private readonly executor: Executor;
  private readonly printQuickInfo: (info: unknown) => string;
  private current = { source: "", count: 0 };
  private diagnostics: Diagnostic[] = [];
  /**
   * The declarations later cells compile against. Ours, not tslab's: tslab drops those of a cell
   * that threw (see failedCellDeclarations.ts). Undefined until the first cell compiled.
   */
  private declarations: string | undefined;
  private converted: { before: string; declOutput: string } | undefined;
  private result: { value: unknown } | undefined;
  private failure: { thrown: unknown } | undefined;
  /** The cell executing now, and the interrupt count when its request arrived. */
  private running: { run: CellRun; since: number } | undefined;

  constructor(
    rootDir: string,
    private readonly interrupts: CellInterrupts = { requested: () => 0, enterCellCode: () => {}, leaveCellCode: () => {} },
  ) {
    installAsyncHelpers(interrupts);
    this.tslab = loadTslab(this.maps);
    const base = this.tslab.converter.createConverter();
    this.converter = {
      ...base,
      convert: (prevDecl, src) => {
        const before = this.declarations ?? prevDecl;
        const r = base.convert(before, disambiguateTopLevelAwait(expandShorthandProperties(src)));
        this.converted = r.diagnostics.length === 0 ? { before, declOutput: r.declOutput ?? "" } : undefined;
        this.diagnostics = r.diagnostics;
        if (r.output) {
          const rewritten = interruptibleCell(r.output, !!r.hasToplevelAwait);
          r.hasToplevelAwait = rewritten.topLevelAwait;
          r.output = this.maps.register(r.output, this.current.source, this.current.count, !!r.hasToplevelAwait, rewritten);
          // Interrupted while compiling (no cell code ran for a SIGINT to stop, and the worker's
          // message waits behind this compilation): the cell stops before its first statement.
          const running = this.running;
          if (running && this.interrupts.requested() !== running.since) {
            running.run.interrupted = true;
            r.output = `throw new (globalThis[Symbol.for("sluice.asyncHelpers")].Interrupted)();\n${r.output}`;
          }
        }
        return r;
      },
      inspect: (prevDecl, src, position) => base.inspect(this.declarations ?? prevDecl, src, position),
      complete: (prevDecl, src, position) => base.complete(this.declarations ?? prevDecl, src, position),
    };
    const sink = {
      log: (value: unknown) => {
        this.result = { value };
      },
      error: (...args: unknown[]) => {
        // Diagnostics are taken whole from convert(); the formatted copy is redundant.
        if (args[0] !== DIAGNOSTIC_FORMAT) this.failure = { thrown: args[0] };
      },
    };
    this.executor = this.tslab.executor.createExecutor(rootDir, { node: this.converter, browser: this.converter, close: () => base.close() }, sink);
    routeEngineImports();
    this.printQuickInfo = (require("tslab/dist/inspect.js") as { printQuickInfo(i: unknown): string }).printQuickInfo;
  }

  /** tslab's `display` API (import * as tslab from "tslab") writes through this hook. */
  set tslabDisplayHook(fn: (data: DisplayData, update: boolean) => void) {
    this.tslab.jupyter.lastWriteDisplayData = fn;
  }

  /**
   * Runs a cell. `since` is the interrupt count when its request arrived: an interrupt after that,
   * even one that came while the cell was still compiling, stops it.
   */
  async execute(source: string, count: number, since = this.interrupts.requested()): Promise<CellOutcome> {
    this.current = { source, count };
    this.diagnostics = [];
    this.result = undefined;
    this.failure = undefined;
    this.converted = undefined;
    const run: CellRun = { interrupted: false };
    const outer = this.running;
    this.running = { run, since };
    let ok: boolean;
    try {
      ok = await withinCell(run, () => this.executor.execute(source));
    } finally {
      this.running = outer;
    }
    const converted = this.converted as { before: string; declOutput: string } | undefined; // set by convert() during execute()
    if (converted) this.declarations = ok ? converted.declOutput : declarationsAfterFailure(converted.declOutput, converted.before, this.executor.locals);
    if (ok) return this.result ? { status: "ok", result: this.result } : { status: "ok" };
    if (this.diagnostics.length > 0) return { status: "error", error: diagnosticsError(this.diagnostics, source, count) };
    // Assigned by the executor callbacks during execute(), which flow analysis cannot see.
    const thrown = (this.failure as { thrown: unknown } | undefined)?.thrown;
    if (run.interrupted || thrown instanceof CellInterruptedError || (thrown instanceof Error && INTERRUPTED.test(thrown.message))) {
      // Code this cell left waiting (after an await) is stopped when it resumes.
      run.interrupted = true;
      return { status: "error", error: { ename: "Interrupted", evalue: "execution interrupted", traceback: ["\u001b[1;31mInterrupted\u001b[0m: execution interrupted by the user"] } };
    }
    return { status: "error", error: runtimeError(thrown, this.maps) };
  }

  /** The value of a variable declared by an earlier cell (tslab keeps them on its exports). */
  lookup(name: string): { found: boolean; value?: unknown } {
    const locals = this.executor.locals;
    if (Object.hasOwn(locals, name)) return { found: true, value: locals[name] };
    if (name in globalThis) return { found: true, value: (globalThis as Record<string, unknown>)[name] };
    return { found: false };
  }

  /** Declares `name` with a TypeScript type for later cells, holding `value`. */
  async assign(name: string, value: unknown, tsType: string): Promise<void> {
    const slot = Symbol.for("sluice.assign");
    (globalThis as Record<symbol, unknown>)[slot] = value;
    try {
      const r = await this.execute(`const ${name}: ${tsType} = (globalThis as any)[Symbol.for("sluice.assign")];`, 0);
      if (r.status === "error") throw new Error(`could not declare ${name}: ${r.error.evalue}`);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[slot];
    }
  }

  /** A stack's frames mapped to the cells' own lines, engine frames left out (for a job's error). */
  userFrames(stack: string): { frames: string[]; context: string[] | undefined } {
    return userFrames(stack, this.maps);
  }

  /** Formats an exception thrown outside a cell's own execution (timers, callbacks). */
  describe(thrown: unknown): CellError {
    return runtimeError(thrown, this.maps);
  }

  complete(code: string, cursorPos: number): Completion {
    const at = codePointsToIndex(code, cursorPos);
    const info = this.executor.complete(code, at);
    return {
      matches: info.candidates,
      cursor_start: indexToCodePoints(code, info.start),
      cursor_end: indexToCodePoints(code, info.end),
    };
  }

  /** Type and documentation of the symbol at the cursor, as text; undefined if none. */
  inspect(code: string, cursorPos: number): string | undefined {
    const at = codePointsToIndex(code, cursorPos);
    // tslab inspects the identifier that ends at the position; step back onto it when the
    // cursor sits just after a call's parenthesis or a property access.
    const info = this.executor.inspect(code, at) ?? (at > 0 ? this.executor.inspect(code, at - 1) : undefined);
    return info ? this.printQuickInfo(info) : undefined;
  }

  isComplete(code: string): Completeness {
    const r = this.tslab.converter.isCompleteCode(code);
    if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
    return this.hasSyntaxError(code) ? { status: "invalid" } : { status: "complete" };
  }

  /**
   * Rejects a pending top-level await and marks the cell interrupted, so its code that resumes
   * later throws (a running stretch of the cell's code is stopped by SIGINT itself).
   */
  interrupt(): void {
    if (this.running) this.running.run.interrupted = true;
    this.executor.interrupt();
  }

  close(): void {
    this.executor.close();
  }

  private hasSyntaxError(code: string): boolean {
    const ts = tslabTypeScript();
    const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    return ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length > 0;
  }
}
