import vm from "node:vm";
import { AsyncLocalStorage } from "node:async_hooks";
import { fileURLToPath } from "node:url";
import { tslabTypeScript } from "./tslabTypeScript.js";

/**
 * Why cells' code is rewritten. Node stops running JavaScript on an interrupt in one place
 * only: inside `vm` with `breakOnSigint`, where V8's termination is turned into an ordinary
 * exception (ERR_SCRIPT_EXECUTION_INTERRUPTED) and cancelled before it leaves the call. tslab runs
 * a cell that way, but the code after a cell's first `await` runs later as a microtask, outside
 * any vm call, so `await null; while (true) {}` could not be stopped at all. Terminating V8 there
 * instead (the inspector's Runtime.terminateExecution) is not survivable: V8 drops every queued
 * microtask and Node aborts ("async hook stack has become corrupted"), measured on Node 20.
 *
 * So a cell's async functions, and its top level when it awaits, are compiled (by TypeScript, the
 * ES2016 down-level) to generators driven by `__awaiter`, and the kernel supplies that helper:
 * each stretch of code between two awaits runs in `vm` with breakOnSigint, where an interrupt
 * stops it as it stops a synchronous cell. Only code compiled from cells is affected; the engine's
 * and libraries' own async functions are native. Every stretch, the first included, runs through
 * one `resume`, which tells the control worker (CellCodeFlag) when a SIGINT can reach cell code:
 * SIGINT at any other moment is not sent (see sigintWatch.ts for why that matters).
 */

/** One execution of a cell; `interrupted` once the user interrupted it. */
export interface CellRun {
  interrupted: boolean;
}

/** Thrown into a cell's async code that resumes after its cell was interrupted. */
export class CellInterruptedError extends Error {
  override name = "Interrupted";
  constructor() {
    super("execution interrupted");
  }
}

export const CELL_FUNCTION = "__sluiceCell";
const HELPERS = Symbol.for("sluice.asyncHelpers");
const RESUME = Symbol.for("sluice.resume");
const MIGHT_AWAIT = /\basync\b|\bawait\b/;
const MAP_COMMENT = /\n\/\/# sourceMappingURL=\S+\s*$/;

const cellRuns = new AsyncLocalStorage<CellRun>();

/** Runs a cell's execution with `run` as the cell that its async functions belong to. */
export function withinCell<T>(run: CellRun, fn: () => T): T {
  return cellRuns.run(run, fn);
}

/** The code tslab runs for a cell, and how its lines map to tslab's CommonJS. */
export interface Rewritten {
  code: string;
  /** the source map from `code` (after `linesBefore` of ours) to the input, when TypeScript rewrote it */
  map: string | undefined;
  /** lines of ours before the first line the map (or tslab's CommonJS, without a map) describes */
  linesBefore: number;
  /** lines of ours at the top of the input the map points into */
  inputLinesBefore: number;
  /** lines of the cell's code after `linesBefore`; the rest are ours */
  bodyLines: number;
  /** the cell's top level awaits, so the code returns a promise to wait for */
  topLevelAwait: boolean;
}

/**
 * tslab's own check misses `for await` at the top level (it then runs the cell in a plain
 * function, a SyntaxError); ours sees both kinds of top-level await.
 */
function awaitsAtTopLevel(cjs: string): boolean {
  if (!/\bawait\b/.test(cjs)) return false;
  const ts = tslabTypeScript();
  const file = ts.createSourceFile("cell.js", cjs, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const visit = (node: import("typescript").Node): boolean => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined)) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return visit(file);
}

/**
 * Rewrites tslab's CommonJS for a cell (the body of its `(async) function(exports, require)`
 * wrapper) so that all of it runs through `resume`: its first stretch at once, and, when it has
 * async code, every later stretch through the interruptible `__awaiter`.
 */
export function interruptibleCell(cjs: string, tslabSawTopLevelAwait: boolean): Rewritten {
  const mayAwait = tslabSawTopLevelAwait || MIGHT_AWAIT.test(cjs);
  const topLevelAwait = tslabSawTopLevelAwait || (mayAwait && awaitsAtTopLevel(cjs));
  const fn = `${topLevelAwait ? "async " : ""}function ${CELL_FUNCTION}(exports, require) {\n${cjs}\n}`;
  let body = fn;
  let map: string | undefined;
  if (mayAwait) {
    const ts = tslabTypeScript();
    const out = ts.transpileModule(fn, {
      fileName: "cell.js",
      compilerOptions: { target: ts.ScriptTarget.ES2016, module: ts.ModuleKind.None, sourceMap: true, allowJs: true },
      transformers: { after: [nameGenerators] },
    });
    body = out.outputText.replace(MAP_COMMENT, "");
    map = out.sourceMapText ?? "";
  }
  // TypeScript's helpers take `this.__awaiter` when the file's `this` has one (tslib's hook).
  const code = `return globalThis[Symbol.for("sluice.asyncHelpers")].run(function () {\n${body}\n` + `return ${CELL_FUNCTION}.call(undefined, exports, require);\n});`;
  const bodyLines = body.split("\n").length;
  return map === undefined ? { code, map, linesBefore: 2, inputLinesBefore: 0, bodyLines: bodyLines - 1, topLevelAwait } : { code, map, linesBefore: 1, inputLinesBefore: 1, bodyLines, topLevelAwait };
}

/**
 * The down-level moves an async function's body into an anonymous `function* ()`, so V8 would
 * name its frames after nothing. Each one becomes `{ f: function* () {...} }.f`, which V8 names
 * `f` without binding `f` inside the body (a named function expression would shadow the function).
 */
const nameGenerators: import("typescript").TransformerFactory<import("typescript").SourceFile> = (ctx) => (file) => {
  const ts = tslabTypeScript();
  const f = ctx.factory;
  const nameOf = (node: import("typescript").Node): string | undefined => {
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.name && ts.isIdentifier(node.name)) return node.name.text;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) return node.name.text;
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) return node.name.text;
    return undefined;
  };
  const visit =
    (name: string | undefined) =>
    (node: import("typescript").Node): import("typescript").Node => {
      const inner = nameOf(node) ?? name;
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "__awaiter" && node.arguments.length === 4) {
        const body = node.arguments[3];
        if (body && ts.isFunctionExpression(body) && !body.name && name && name !== CELL_FUNCTION) {
          const visited = ts.visitEachChild(body, visit(inner), ctx);
          const named = f.createPropertyAccessExpression(f.createParenthesizedExpression(f.createObjectLiteralExpression([f.createPropertyAssignment(name, visited)])), name);
          return f.updateCallExpression(node, node.expression, node.typeArguments, [...node.arguments.slice(0, 3), named]);
        }
      }
      return ts.visitEachChild(node, visit(inner), ctx);
    };
  return ts.visitNode(file, visit(undefined)) as import("typescript").SourceFile;
};

/** Where the main thread says that cell code is running inside vm (the InterruptLine). */
export interface CellCodeFlag {
  enterCellCode(): void;
  leaveCellCode(): void;
}

let flag: CellCodeFlag = { enterCellCode: () => {}, leaveCellCode: () => {} };
const resumeScript = new vm.Script("globalThis[Symbol.for('sluice.resume')]()", { filename: `${fileURLToPath(import.meta.url)} (resume)` });
let nextStep: (() => unknown) | undefined;

/**
 * Runs `step` (a cell's first stretch, or a generator's next/throw/return) inside vm with
 * breakOnSigint. The flag is kept out here: an interrupt ends the vm call without running the
 * `finally` blocks inside it.
 */
function resume<T>(step: () => T): T {
  nextStep = step;
  flag.enterCellCode();
  try {
    return resumeScript.runInThisContext({ breakOnSigint: true, displayErrors: false }) as T;
  } finally {
    flag.leaveCellCode();
  }
}

/**
 * A generator whose every step is interruptible. Once its cell was interrupted, the next step
 * throws CellInterruptedError into it instead (once: `finally` blocks run, and code that catches
 * it goes on as it chose), so code the interrupted cell left waiting does not run on unasked.
 */
function interruptible(g: Generator, run: CellRun | undefined): Generator {
  let told = false;
  const step = (method: "next" | "throw" | "return", arg: unknown): IteratorResult<unknown> =>
    resume(() => {
      if (run?.interrupted && !told && method !== "return") {
        told = true;
        return g.throw(new CellInterruptedError());
      }
      return g[method](arg as never);
    });
  const wrapped = {
    next: (v?: unknown) => step("next", v),
    throw: (e?: unknown) => step("throw", e),
    return: (v?: unknown) => step("return", v),
    [Symbol.iterator]: () => wrapped,
  };
  return wrapped as unknown as Generator;
}

/** TypeScript's `__awaiter` (as tslib has it), stepping the generator through `interruptible`. */
function awaiter(thisArg: unknown, args: unknown, _P: unknown, body: (...a: unknown[]) => Generator): Promise<unknown> {
  const run = cellRuns.getStore();
  return new Promise((resolve, reject) => {
    const g = interruptible(body.apply(thisArg, (args as unknown[] | undefined) ?? []), run);
    const fulfilled = (value: unknown): void => {
      try {
        advance(g.next(value));
      } catch (e) {
        reject(e);
      }
    };
    const rejected = (value: unknown): void => {
      try {
        advance(g.throw(value));
      } catch (e) {
        reject(e);
      }
    };
    const advance = (r: IteratorResult<unknown>): void => {
      if (r.done) resolve(r.value);
      else Promise.resolve(r.value).then(fulfilled, rejected);
    };
    advance(g.next());
  });
}

/** Makes the helpers reachable from cells' code; called by CellRunner. */
export function installAsyncHelpers(cellCode: CellCodeFlag): void {
  flag = cellCode;
  const g = globalThis as Record<symbol, unknown>;
  const helpers = {
    __awaiter: awaiter,
    Interrupted: CellInterruptedError,
    run: (first: (this: unknown) => unknown): unknown => resume(() => first.call(helpers)),
  };
  g[HELPERS] = helpers;
  g[RESUME] = () => {
    const step = nextStep;
    nextStep = undefined;
    if (!step) throw new Error("sluice: resume script run without a step");
    return step();
  };
}
