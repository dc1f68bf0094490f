import type { MimeBundle } from "../display/mimeBundle.js";

/**
 * What the kernel offers to code running in cells. The kernel installs one at start; the cell API
 * module (the same module instance in the kernel and in cells) finds it here.
 */
export interface CellHost {
  display(bundle: MimeBundle, options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): void;
  clearOutput(wait: boolean): void;
  input(prompt: string, password: boolean): Promise<string>;
  page(bundle: MimeBundle): void;
  /** Output the current cell is still making; its reply waits for `work` to settle. */
  hold(work: Promise<unknown>): void;
}

let installed: CellHost | undefined;

export function installCellHost(host: CellHost): void {
  installed = host;
}

export class NoKernelError extends Error {
  override name = "NoKernelError";
  constructor() {
    super("this function needs the Sluice kernel (it is not running inside a notebook)");
  }
}

export function cellHost(): CellHost {
  if (!installed) throw new NoKernelError();
  return installed;
}
