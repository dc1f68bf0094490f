#!/usr/bin/env bash
# A/B of a change to the parallel (worker-thread) path: runs the Nexmark runners of two builds alternately
# (old p=1, new p=1, old p=2, new p=2 per pair), and prints per query and engine the median events per
# CPU-second (process CPU, all threads) at p=1 and p=2 of each build, the parallel efficiency
# e = (p=2 per CPU-s) / (p=1 per CPU-s) — what the cross-thread exchange costs, the figure that survives a
# loaded machine — and new/old at p=2, with the 1-min load average seen. OLD and NEW are `dist`
# directories inside a project directory (so node_modules resolves), e.g. a copy of dist before the change:
#   cp -r dist .dist-old   # before; then change, build, and:
# Usage: bash bench/nexmark/parallelAB.sh .dist-old dist "q5 q7" "sluice-module sluice-sql" [events=1000000] [pairs=3]
# (ENV_OLD / ENV_NEW: extra environment for one side, e.g. ENV_NEW="SLUICE_BATCH_SIZE=4096" with OLD = NEW;
#  PS="2": only that parallelism, for a change that does not touch p=1; WARMUP_JOBS: the warm-up's jobs,
#  default 4 as run.ts. A dist from before the multi-job warm-up ignores it and warms up with one job: not fair.)
# bash bench/nexmark/parallelAB.sh --report /tmp/parallelAB.XXXXXX/runs.jsonl prints the table of a run again.
set -euo pipefail
report() {
  node -e '
    const fs = require("fs");
    const runs = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
    const k = (n) => (n >= 1e6 ? (n / 1e6).toFixed(2) + "M" : Math.round(n / 1e3) + "k");
    const cell = (side, q, e, p) => runs.filter((x) => x.side === side && x.q === q && x.e === e && x.p === p).map((x) => x.r.eventsPerCpuSecond);
    console.log("| query | engine | old p=1 | old p=2 | old e | new p=1 | new p=2 | new e | new/old p=2 | load |");
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const q of [...new Set(runs.map((x) => x.q))]) for (const e of [...new Set(runs.map((x) => x.e))]) {
      const [o1, o2, n1, n2] = [cell("old", q, e, 1), cell("old", q, e, 2), cell("new", q, e, 1), cell("new", q, e, 2)];
      if (o2.length === 0) continue;
      const loads = runs.filter((x) => x.q === q && x.e === e).map((x) => x.load);
      const f = (xs) => (xs.length === 0 ? "–" : k(med(xs)));
      const eff = (a, b) => (a.length === 0 ? "–" : (med(b) / med(a)).toFixed(2));
      console.log(`| ${q} | ${e} | ${f(o1)} | ${f(o2)} | ${eff(o1, o2)} | ${f(n1)} | ${f(n2)} | ${eff(n1, n2)} | ${(med(n2) / med(o2)).toFixed(2)} (${n2.map((v, i) => (v / o2[i]).toFixed(2)).join(", ")}) | ${Math.min(...loads)}–${Math.max(...loads)} |`);
    }
    console.log("raw: " + process.argv[1]);
  ' "$1"
}
if [ "${1:-}" = --report ]; then
  report "$2"
  exit 0
fi
old=$1 new=$2 queries=$3 engines=$4 events=${5:-1000000} pairs=${6:-3}
out=$(mktemp -d /tmp/parallelAB.XXXXXX)
runner() { case $1 in sluice-module) echo sluiceModuleRun.js ;; sluice-sql) echo sluiceSqlRun.js ;; sluice) echo sluiceRun.js ;; esac; }
for q in $queries; do
  for e in $engines; do
    for ((r = 0; r < pairs; r++)); do
      for p in ${PS:-1 2}; do
        for side in old new; do
          dir=$old extra=${ENV_OLD:-}
          [ "$side" = new ] && dir=$new extra=${ENV_NEW:-}
          load=$(cut -d' ' -f1 /proc/loadavg)
          line=$(env $extra node --expose-gc --max-old-space-size=2048 "$dir/bench/nexmark/$(runner "$e")" "$q" "$p" "$events" 10000 300000 200000 "${WARMUP_JOBS:-4}" | tail -1)
          echo "{\"side\":\"$side\",\"q\":\"$q\",\"e\":\"$e\",\"p\":$p,\"load\":$load,\"r\":$line}" | tee -a "$out/runs.jsonl" >&2
        done
      done
    done
  done
done
report "$out/runs.jsonl"
