/**
 * A notebook open in JupyterLab, as the browser tests need it: a real Jupyter Server from the
 * project's venv (our kernelspec, our lab extension), Debian's Chromium with nothing reachable but
 * that server on loopback, and the notebook open with its Sluice kernel idle. JupyterLab is
 * started with `expose_app_in_browser`, so a test can read JupyterLab's own models through
 * `window.jupyterapp` (what it renders) instead of scraping the DOM.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Page } from "playwright-core";
import { launchOffline, type OfflineBrowser } from "./chromium.js";
import { startJupyterServer, type RunningServer } from "./jupyterServer.js";

/** In the page: the open notebook's widget (`.content.model.cells`, `.content.widgets`). */
export const NOTEBOOK = "window.jupyterapp.shell.currentWidget.content";

export interface LabNotebook {
  page: Page;
  browser: OfflineBrowser;
  server: RunningServer;
  /** The server's root folder, where the notebook is (and is saved). */
  dir: string;
  /** The notebook's path. */
  path: string;
  close(): Promise<void>;
}

/** What to open: code cells to write into `name`, or a copy of an existing notebook. */
export type NotebookSource = { name: string; cells: string[] } | { copyOf: string };

/** Writes a notebook of code cells (ids c0, c1, …) for the Sluice kernel. */
export function writeNotebook(path: string, cells: string[]): void {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "sluice", display_name: "Sluice (TypeScript)", language: "typescript" } },
    cells: cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  };
  writeFileSync(path, JSON.stringify(nb));
}

/**
 * Opens the notebook in JupyterLab and resolves once its cells are on the page and its kernel is
 * idle. The caller closes it (browser, then server) in a `finally`; if opening fails, what was
 * started is stopped before the error is thrown.
 */
export async function openNotebook(source: NotebookSource): Promise<LabNotebook> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-lab-"));
  const name = "copyOf" in source ? basename(source.copyOf) : source.name;
  const path = join(dir, name);
  if ("copyOf" in source) copyFileSync(source.copyOf, path);
  else writeNotebook(path, source.cells);
  const server = await startJupyterServer(dir, ["--LabApp.expose_app_in_browser=True"]);
  let browser: OfflineBrowser | undefined;
  const close = async () => {
    try {
      await browser?.close();
    } finally {
      await server.stop();
    }
  };
  try {
    browser = await launchOffline({ allowLoopback: true });
    const { page } = browser;
    await page.goto(`${server.baseUrl}lab/tree/${encodeURIComponent(name)}?token=${server.token}`);
    await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
    await page.getByText("Sluice (TypeScript) | Idle").waitFor({ timeout: 60_000 });
    return { page, browser, server, dir, path, close };
  } catch (e) {
    await close();
    throw e;
  }
}
