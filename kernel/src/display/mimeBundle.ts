import { inspect } from "node:util";

/** A Jupyter mime bundle: mime type -> data (strings, or JSON for +json types). */
export type MimeBundle = Record<string, unknown>;

/**
 * Any object can choose how it is shown by implementing this method (the convention Deno's
 * kernel uses): return a mime bundle. Engine objects such as job handles and chart sinks use it
 * without depending on the kernel.
 */
export const DISPLAY = Symbol.for("Jupyter.display");

interface SelfDisplaying {
  [DISPLAY](): MimeBundle;
}

function isSelfDisplaying(v: unknown): v is SelfDisplaying {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as Record<symbol, unknown>)[DISPLAY] === "function";
}

export function plainText(value: unknown): string {
  return typeof value === "string" ? inspect(value) : inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
}

/** The bundle for a value: its own rendering if it has one, always with a text/plain fallback. */
export function toMimeBundle(value: unknown): MimeBundle {
  if (isSelfDisplaying(value)) {
    const bundle = value[DISPLAY]();
    return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": plainText(value) };
  }
  return { "text/plain": plainText(value) };
}
