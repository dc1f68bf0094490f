import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { test } from "node:test";

/**
 * Milliseconds V8's helper threads spent in each scavenge of a child process (`--trace-gc-nvp`'s
 * `background.scavenge.parallel`), before and after the child starts `threads` pool threads.
 */
function helperScavengeMs(threads: number): { before: number[]; after: number[] } {
  const script = `
    const { poolWorkers } = await import(${JSON.stringify(new URL("./WorkerPool.js", import.meta.url).href)});
    function churn() { let keep = []; for (let i = 0; i < 6e6; i++) { keep.push({ i, s: "x" + i }); if (keep.length > 100000) keep = []; } return keep.length; }
    churn();
    console.log("POOL");
    poolWorkers(${threads});
    churn();`;
  const out = execFileSync(process.execPath, ["--trace-gc-nvp", "--input-type=module", "-e", script], { encoding: "utf8", maxBuffer: 1 << 26 });
  const [before = "", after = ""] = out.split("POOL\n");
  const helperMs = (text: string) => [...text.matchAll(/gc=s .*?background\.scavenge\.parallel=([\d.]+)/g)].map((m) => Number(m[1]));
  return { before: helperMs(before), after: helperMs(after) };
}

test("once the pool holds a thread per core, scavenges run on the collecting thread alone", { skip: availableParallelism() < 2 && "one core: V8 scavenges alone anyway" }, () => {
  const { before, after } = helperScavengeMs(availableParallelism());
  assert.ok(after.length > 5, `${after.length} scavenges after the pool started`);
  // The probe sees helpers where V8's default is in force (else this test could not fail).
  assert.ok(
    before.some((ms) => ms > 0),
    `helpers took part in none of ${before.length} scavenges before the pool`,
  );
  assert.deepEqual(
    after.filter((ms) => ms > 0),
    [],
  );
});

test("a pool with fewer threads than cores leaves V8's parallel scavenging on", { skip: availableParallelism() < 2 && "one core" }, () => {
  const { after } = helperScavengeMs(availableParallelism() - 1);
  assert.ok(
    after.some((ms) => ms > 0),
    `helpers took part in none of ${after.length} scavenges`,
  );
});
