/**
 * Debian's Chromium driven by playwright-core, for the real-browser tests. Never a downloaded
 * browser: scripts/chromium.sh installs /usr/bin/chromium. Each launch gets a fresh profile,
 * and every request that is not for a local file is aborted and recorded, so a test can assert
 * that a page needed no network.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.SLUICE_CHROMIUM ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

const LOCAL = /^(file|data|blob|about):/;

export interface OfflineBrowser {
  page: Page;
  context: BrowserContext;
  /** Every request the page tried that was not local; each was aborted. */
  blocked: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found: run "bash scripts/chromium.sh"`;
}

const LOOPBACK = /^(https?|wss?):\/\/127\.0\.0\.1[:/]/;

/**
 * Chromium with a fresh user-data-dir and no network: only file:, data:, blob: and about: load
 * (and, with `allowLoopback`, servers of our own on 127.0.0.1 such as JupyterLab).
 */
export async function launchOffline(options: { allowLoopback?: boolean } = {}): Promise<OfflineBrowser> {
  const allowed = (url: string) => LOCAL.test(url) || (options.allowLoopback === true && LOOPBACK.test(url));
  const profile = mkdtempSync(join(tmpdir(), "sluice-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
    offline: options.allowLoopback !== true,
  });
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    blocked.push(url);
    return route.abort("internetdisconnected");
  });
  // Routing does not see every scheme (file: is served without it); watch all requests as well.
  context.on("request", (r) => {
    if (!allowed(r.url()) && !blocked.includes(r.url())) blocked.push(r.url());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return {
    page,
    context,
    blocked,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
