/**
 * Before/after of the fused join's key → slot lookup (sql/joins/slotTable.ts, nexmark q4) on q4's join keys in
 * event order: each auction's id, each bid's auction (nexmark's generator, persons left out). Each side runs
 * in its own child process (its own isolate: no JIT state or heap shared with the other side), alternated
 * `rounds` times. A child fills a new SlotTable with every key `blocks` times and prints its median process CPU
 * ns per key; the parent prints per side the median of those medians, their spread, and the ratio. The lookup
 * alone is ~8 ns of q4's ~350 per event; a build against itself gave new/old 0.89 at load 3.5 (session 19),
 * so run it twice and against itself before reading a few per cent into it.
 *
 * Usage: node dist/bench/nexmark/slotTableAB.js OLD_DIST NEW_DIST [rounds=6] [events=2000000] [blocks=15]
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

type Tables = typeof import("../../engine/src/sql/joins/slotTable.js");
type Generator = typeof import("../../engine/src/connectors/nexmark/NexmarkGenerator.js");

const [mode, ...rest] = process.argv.slice(2);

/** q4's join keys in event order, from `dist`'s generator. */
async function joinKeys(dist: URL, events: number): Promise<Int32Array> {
  const { NexmarkGenerator } = (await import(new URL("engine/src/connectors/nexmark/NexmarkGenerator.js", dist).href)) as Generator;
  const gen = new NexmarkGenerator({ eventsPerSecond: 10000 });
  const keys: number[] = [];
  for (let i = 0; i < events; i++) {
    const e = gen.event(i);
    if (e.type === "auction") keys.push(e.id);
    else if (e.type === "bid") keys.push(e.auction);
  }
  return Int32Array.from(keys);
}

/** The child: one build's median CPU ns per key over `blocks` fills of a new table. */
async function child(distPath: string, events: number, blocks: number): Promise<void> {
  const dist = pathToFileURL(`${distPath.replace(/\/$/, "")}/`);
  const { SlotTable } = (await import(new URL("engine/src/sql/joins/slotTable.js", dist).href)) as Tables;
  const keys = await joinKeys(dist, events);
  const fill = (): number => {
    const t = new SlotTable();
    let sum = 0;
    for (let i = 0; i < keys.length; i++) sum = (sum + t.slotOf(keys[i] as number)) | 0;
    return sum;
  };
  for (let w = 0; w < 3; w++) fill();
  const ns: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const u0 = process.cpuUsage();
    fill();
    const u = process.cpuUsage(u0);
    ns.push(((u.user + u.system) * 1000) / keys.length);
  }
  console.log(median(ns).toFixed(2));
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 === 1 ? (s[s.length >> 1] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
}

if (mode === "--child") await child(rest[0] as string, Number(rest[1]), Number(rest[2]));
else {
  const [oldDist, newDist, rounds = "6", events = "2000000", blocks = "15"] = [mode, ...rest];
  if (oldDist === undefined || newDist === undefined) throw new Error("usage: slotTableAB.js OLD_DIST NEW_DIST [rounds] [events] [blocks]");
  const self = fileURLToPath(import.meta.url);
  const ns: number[][] = [[], []];
  const loads: number[] = [];
  for (let r = 0; r < Number(rounds); r++)
    for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
      loads.push(os.loadavg()[0] as number);
      const out = execFileSync(process.execPath, [self, "--child", [oldDist, newDist][i] as string, events, blocks], { encoding: "utf8" });
      (ns[i] as number[]).push(Number(out.trim()));
    }
  const [a, b] = [median(ns[0] as number[]), median(ns[1] as number[])];
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  console.log(
    `SlotTable.slotOf on q4's join keys: old ${a.toFixed(2)} ns/key (${spread(ns[0] as number[])}), new ${b.toFixed(2)} ns/key (${spread(ns[1] as number[])}), new/old ${(b / a).toFixed(3)}, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  );
}
