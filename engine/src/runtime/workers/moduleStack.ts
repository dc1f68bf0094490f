/**
 * Stack frames in a compiled `.ts` job module (moduleSource.ts) named by the user's `.ts` file and
 * line, through the source map the compiled `.mjs` carries inline, read with Node's `SourceMap`
 * (node:module). Node's own switch (`--enable-source-maps`, `process.setSourceMapsEnabled`) is not
 * used: it holds for the whole thread, so in the kernel it would also rewrite the engine's and the
 * kernel's frames (`dist/` has source maps) and the cells' frames the kernel maps itself. A frame in
 * a worker thread crosses to the main thread as text (protocol.ts) and is mapped there, from the file.
 */
import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { fileURLToPath } from "node:url";

/** The folder compiled modules are written to, under the temp directory. */
export const COMPILED_MODULES_DIR = "sluice-job-modules";
const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
/** `file:///…/sluice-job-modules/<hash>.mjs:LINE:COLUMN` (or a plain path) in a stack frame. */
const FRAME = new RegExp(`((?:file://)?[^\\s()]*[/\\\\]${COMPILED_MODULES_DIR}[/\\\\][0-9a-f]+\\.mjs):(\\d+):(\\d+)`, "g");

/** Maps by compiled file: the file's name is its content's hash, so an entry never goes stale. */
const maps = new Map<string, SourceMap | undefined>();

/** The inline source map of a compiled module written by `jobModuleUrl`. */
export function inlineSourceMap(payload: SourceMapPayload): string {
  return `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(payload)).toString("base64")}`;
}

function mapOf(file: string): SourceMap | undefined {
  if (maps.has(file)) return maps.get(file);
  let map: SourceMap | undefined;
  try {
    const m = INLINE_MAP.exec(readFileSync(file.startsWith("file:") ? fileURLToPath(file) : file, "utf8"));
    map = m === null ? undefined : new SourceMap(JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")) as SourceMapPayload);
  } catch {
    // The temp file was removed (or is not ours): the frame stays as V8 wrote it, which still names it.
    map = undefined;
  }
  maps.set(file, map);
  return map;
}

/** `stack` with every frame in a compiled module rewritten to the `.ts` file, line and column. */
export function mapModuleStack(stack: string): string {
  if (!stack.includes(COMPILED_MODULES_DIR)) return stack;
  return stack.replace(FRAME, (frame, file: string, line: string, column: string) => {
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (entry === undefined || !("originalSource" in entry)) return frame;
    return `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/** Rewrites the stacks of `error` and of its causes (as far as an error crossing threads keeps them); returns `error`. */
export function withModuleFrames<E>(error: E): E {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++, e = e.cause) {
    const stack = e.stack;
    if (stack !== undefined && stack.includes(COMPILED_MODULES_DIR)) e.stack = mapModuleStack(stack);
  }
  return error;
}
