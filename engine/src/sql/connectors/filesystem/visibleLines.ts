import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { listFiles } from "./fileSystemSource.js";

/**
 * What a filesystem table's directory holds for a reader, as a sorted multiset: every line of every
 * visible file, prefixed with its partition directory (`dt=2024-01-01/hm=10%3A05|line`). For tests
 * and the oracles comparing the files Flink and Sluice wrote.
 */
export function visibleLines(root: string): string[] {
  const lines: string[] = [];
  for (const file of listFiles(root)) {
    const dir = relative(root, dirname(file));
    for (const line of readFileSync(file, "utf8").split("\n")) if (line !== "") lines.push(`${dir}|${line}`);
  }
  return lines.sort();
}

/** The directories (relative, `''` for the root) holding a `name` file: the partitions a success-file policy committed. */
export function directoriesWith(root: string, name: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), rel === "" ? e.name : `${rel}/${e.name}`);
      else if (e.name === name) out.push(rel);
    }
  };
  if (existsSync(root)) walk(root, "");
  return out.sort();
}
