/**
 * Sums the allocation profiles `allocProfile.ts` wrote (one per thread) by site: each sample's bytes go to
 * the innermost frame of the job's own code (a `file:` URL or a generated function), so a builtin such as
 * `Array.prototype.push` or `slice` counts where it was called from. Prints the total, each thread's, and
 * the largest sites with their share. Comparing p=1 with p=2 per event: divide by a site whose work per
 * event is the same in both (the generator's `bid`).
 *
 * Usage: node dist/bench/nexmark/allocSites.js <directory> [top=30]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The channel the main thread marks the profiled span on for `allocProfile.ts` in every thread. */
export const ALLOC_PROFILE_CHANNEL = "sluice-alloc-profile";

/** Start sampling; stop and write this thread's profile into directory `stop`. */
export type ProfileMark = { start: true } | { stop: string };

/** A node of V8's sampling heap profile (the DevTools protocol's `SamplingHeapProfileNode`). */
export interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly scriptId: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

/** Whether a frame is the job's code rather than a builtin, Node's own JS or the profile's root. */
function isOwnCode(frame: ProfileNode["callFrame"]): boolean {
  // Generated functions (`new Function`) have a script but no URL; builtins and V8's own entries (`(root)`,
  // `(garbage collector)`) have neither.
  return frame.url.startsWith("file:") || (frame.url === "" && frame.scriptId !== "0");
}

function siteName(frame: ProfileNode["callFrame"]): string {
  if (frame.url === "" && frame.scriptId === "0") return frame.functionName || "(builtin)";
  const file = frame.url === "" ? "(generated)" : frame.url.slice(frame.url.lastIndexOf("/") + 1);
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

/** Bytes allocated per site (innermost own-code frame; the innermost frame when none is). */
export function allocationSites(head: ProfileNode): Map<string, number> {
  const sites = new Map<string, number>();
  const walk = (node: ProfileNode, site: string | undefined): void => {
    const here = isOwnCode(node.callFrame) ? siteName(node.callFrame) : site;
    if (node.selfSize > 0) {
      const name = here ?? siteName(node.callFrame);
      sites.set(name, (sites.get(name) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, undefined);
  return sites;
}

function main(dir: string, top: number): void {
  const all = new Map<string, number>();
  const files = readdirSync(dir).filter((f) => /^alloc-\d+\.json$/.test(f));
  if (files.length === 0) throw new Error(`no alloc-<thread>.json in ${dir}: was the job run with allocProfile.js and SLUICE_ALLOC_PROFILE=${dir}?`);
  for (const file of files.sort()) {
    const { head } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { head: ProfileNode };
    let bytes = 0;
    for (const [site, n] of allocationSites(head)) {
      all.set(site, (all.get(site) ?? 0) + n);
      bytes += n;
    }
    console.log(`${file}: ${(bytes / 2 ** 20).toFixed(1)} MB sampled`);
  }
  const total = [...all.values()].reduce((a, b) => a + b, 0);
  console.log(`all threads: ${(total / 2 ** 20).toFixed(1)} MB sampled`);
  for (const [site, n] of [...all].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * n) / total).toFixed(1).padStart(5)} %  ${(n / 2 ** 20).toFixed(1).padStart(7)} MB  ${site}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, top = "30"] = process.argv.slice(2);
  if (dir === undefined) throw new Error("usage: allocSites.js <directory> [top]");
  main(dir, Number(top));
}
