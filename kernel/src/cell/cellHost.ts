import type { MimeBundle } from "../display/mimeBundle.js";

/**
 * What the kernel offers to code running in cells. The kernel installs one on globalThis at
 * start; the cell API module finds it there, so cells never import kernel internals.
 */
export interface CellHost {
  display(bundle: MimeBundle, options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): void;
  clearOutput(wait: boolean): void;
  input(prompt: string, password: boolean): Promise<string>;
  page(bundle: MimeBundle): void;
  /** Output the current cell is still making; its reply waits for `work` to settle. */
  hold(work: Promise<unknown>): void;
}

export const CELL_HOST = Symbol.for("sluice.cellHost");

export function installCellHost(host: CellHost): void {
  (globalThis as Record<symbol, unknown>)[CELL_HOST] = host;
}

export class NoKernelError extends Error {
  override name = "NoKernelError";
  constructor() {
    super("this function needs the Sluice kernel (it is not running inside a notebook)");
  }
}

export function cellHost(): CellHost {
  const host = (globalThis as Record<symbol, unknown>)[CELL_HOST] as CellHost | undefined;
  if (!host) throw new NoKernelError();
  return host;
}
